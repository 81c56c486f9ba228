package io.countersign.decision;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.countersign.approval.ApprovalEvents;
import io.countersign.approval.ApprovalRecord;
import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.TouchedApprovals;
import io.countersign.approval.VoteRecord;
import io.countersign.audit.BatchQuery;
import io.countersign.audit.DecisionLog;
import io.countersign.audit.LogBatch;
import io.countersign.audit.RowIds;
import io.countersign.audit.LogMasking;
import io.countersign.audit.LogReader;
import io.countersign.audit.LogUnavailableException;
import io.countersign.audit.LogWrite;
import io.countersign.canonical.CanonicalJson;
import io.countersign.http.Problem;
import io.countersign.http.Problems;
import io.countersign.policy.ApprovalRequirement;
import io.countersign.policy.Decision;
import io.countersign.policy.Outcome;
import io.countersign.policy.Reason;
import io.countersign.policy.RequestRules;
import io.countersign.policy.RequestYaml;
import io.countersign.policy.api.Caller;
import io.countersign.policyservice.PolicyService;
import io.countersign.yaml.JsonDocument;
import io.countersign.yaml.YamlException;
import io.countersign.yaml.YamlNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Answers {@code POST /v1/decisions}: reads the body strictly, evaluates it against the policy in
 * force, and hands the decision to the log; the answer exists only once the log has committed it.
 */
@ApplicationScoped
public class DecisionService {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
    /** The answer's writer, its serializer found once. */
    private static final ObjectWriter ANSWER = JSON.writerFor(DecisionView.class);

    /** The answer: the response body, and whether it replays an earlier decision. */
    public record Answer(String body, Outcome outcome, boolean replayed, io.countersign.approval.ApprovalView requested,
            String approvalChanged) {
        Answer(String body, Outcome outcome, boolean replayed) {
            this(body, outcome, replayed, null, null);
        }
    }

    public record ReasonView(String rule, Outcome outcome, String message, List<String> controls) {
    }

    public record ApprovalView(String id, ApprovalStatus status, List<String> approverGroups, String groupMode,
            int quorum, String expiresAt) {
    }

    public record DecisionView(String decisionId, Outcome outcome, List<ReasonView> reasons, String policyVersion,
            String actionDigest, String timestamp, ApprovalView approval) {
    }

    /** An earlier decision under the same idempotency key: its answer, and whether it was asked with the same body. */
    private record Replay(String answer, Outcome outcome, boolean sameRequest) {
    }

    private final PolicyService policies;
    private final DecisionLog log;
    private final LogReader reader;
    private final LogMasking masking;
    private final ApprovalEvents events;
    private final Map<Outcome, Counter> decisions = new LinkedHashMap<>();
    private static final int KNOWN_PENDING_LIMIT = 10_000;
    private final Map<String, Known> knownPending = new ConcurrentHashMap<>();

    DecisionService(PolicyService policies, DecisionLog log, LogReader reader, LogMasking masking, ApprovalEvents events,
            MeterRegistry registry) {
        this.reader = reader;
        this.events = events;
        this.policies = policies;
        this.log = log;
        this.masking = masking;
        for (Outcome outcome : Outcome.values()) {
            decisions.put(outcome, Counter.builder("countersign.decisions").tag("outcome", outcome.name())
                    .description("Decisions answered, by outcome").register(registry));
        }
    }

    public CompletionStage<Answer> decide(Caller caller, byte[] body, String idempotencyKey) {
        if (idempotencyKey != null) {
            String problem = RequestRules.id(idempotencyKey);
            if (problem != null) {
                throw Problems.badParameter("Idempotency-Key", problem).exception();
            }
        }
        YamlNode node;
        RequestYaml.Body request;
        try {
            node = JsonDocument.parse(body, "body");
            request = RequestYaml.readBody(node, caller);
        } catch (YamlException e) {
            throw Problems.badRequest(e).exception();
        }
        PolicyService.Loaded loaded = policies.current().orElseThrow(() -> Problem.of(503, "policy_unavailable",
                "No policy in force", "the policy did not load, so no decision can be made").exception());

        Decision decision = loaded.policy().evaluate(request.request());
        @SuppressWarnings("unchecked")
        Map<String, Object> asked = (Map<String, Object>) node.plainValue();
        Draft draft = new Draft(caller, request, asked, idempotencyKey, decision);

        List<ReasonView> reasons = reasons(decision.reasons());
        LogWrite queued;
        String expected = null;
        if (decision.outcome() != Outcome.REQUIRE_APPROVAL || request.approvalId() != null) {
            // A presented approval is settled under the chain lock, where the guard always puts the
            // entry of its use in place of this one: no request is opened for it here.
            queued = draft.write(decision.outcome(), reasons, null, null, null);
        } else {
            // Asked again for an action already waiting for approval: built against that request, which
            // the guard confirms under the chain lock (or the entry is rebuilt there).
            Known known = knownPending.get(draft.pendingKey());
            if (known != null && draft.now.isBefore(known.expiresAt())) {
                queued = draft.write(Outcome.REQUIRE_APPROVAL, reasons, known.view(), null, null);
                expected = known.view().id();
            } else {
                ApprovalRecord approval = draft.newApproval();
                queued = draft.write(Outcome.REQUIRE_APPROVAL, reasons, approvalView(approval), approval, null);
            }
        }
        LogWrite.Guard guard = idempotencyKey != null || decision.outcome() == Outcome.REQUIRE_APPROVAL
                ? new DecisionGuard(draft, reasons, queued, expected) : null;
        return log.append(queued.withGuard(guard)).handle((result, failure) -> {
            if (failure != null) {
                throw unavailable(failure);
            }
            if (result.payload() instanceof Replay replay) {
                if (!replay.sameRequest()) {
                    throw Problem.of(409, "idempotency_key_reused", "Idempotency key reused",
                            "this Idempotency-Key was used with a different request body").exception();
                }
                return new Answer(replay.answer(), replay.outcome(), true);
            }
            Answer appended = (Answer) result.payload();
            decisions.get(appended.outcome()).increment();
            if (appended.requested() != null) {
                if (knownPending.size() >= KNOWN_PENDING_LIMIT) {
                    knownPending.clear();
                }
                knownPending.put(draft.pendingKey(), new Known(approvalView(appended.requested()),
                        Instant.parse(appended.requested().expiresAt())));
                events.requested(appended.requested());
            }
            if (appended.approvalChanged() != null) {
                events.consumed(appended.approvalChanged());
            }
            return appended;
        });
    }

    /**
     * Everything about one asked-for decision except its final outcome, which for a request that
     * presents an approval is settled only under the chain lock.
     */
    private final class Draft {
        final Caller caller;
        final RequestYaml.Body request;
        final Map<String, Object> asked;
        final String idempotencyKey;
        final Decision decision;
        final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        final String decidedAt = now.toString();
        final String decisionId = RowIds.next();
        final String actionDigest;
        final String requestHash;
        final LogMasking.Masked logged;

        Draft(Caller caller, RequestYaml.Body request, Map<String, Object> asked, String idempotencyKey, Decision decision) {
            this.caller = caller;
            this.request = request;
            this.asked = asked;
            this.idempotencyKey = idempotencyKey;
            this.decision = decision;
            this.actionDigest = ActionDigest.of(request.request());
            // Only a replay compares bodies, and only a request with an Idempotency-Key can be replayed.
            this.requestHash = idempotencyKey == null ? null : CanonicalJson.sha256(CanonicalJson.bytes(asked));
            this.logged = masking.apply(asked);
        }

        /** Which pending request this one would share: the same requester asking for the same action. */
        String pendingKey() {
            return caller.getId() + "\n" + actionDigest;
        }

        ApprovalRecord newApproval() {
            ApprovalRequirement requirement = decision.approval();
            ApprovalRecord approval = new ApprovalRecord();
            approval.id = RowIds.next();
            approval.decisionId = decisionId;
            approval.status = ApprovalStatus.PENDING;
            approval.requesterId = caller.getId();
            approval.requesterType = caller.getType();
            approval.onBehalfOf = request.request().getOnBehalfOf();
            approval.actionDigest = actionDigest;
            approval.approverGroups = String.join("\n", requirement.approverGroups());
            approval.groupMode = requirement.groupMode();
            approval.quorum = requirement.quorum();
            approval.createdAt = now;
            approval.expiresAt = now.plus(requirement.ttl());
            approval.context = DecisionService.write(reviewerContext());
            return approval;
        }

        /** What a reviewer needs to decide: who asked, for whom, what, why, and which rules asked for approval. */
        private Map<String, Object> reviewerContext() {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("caller", Map.of("id", caller.getId(), "type", caller.getType()));
            context.put("onBehalfOf", request.request().getOnBehalfOf());
            context.put("action", request.request().getAction());
            context.put("resource", asked.get("resource"));
            context.put("context", asked.get("context"));
            context.put("reasons", reasons(decision.reasons()));
            context.put("policyVersion", decision.policyVersion());
            context.put("actionDigest", actionDigest);
            return context;
        }

        /**
         * Settles a request that presents {@code approvalId}: ALLOW and the approval CONSUMED, in this one
         * transaction, only if it is APPROVED, unexpired, unused, granted to this caller, for this exact
         * action; otherwise DENY naming the check that failed. Runs under the chain lock.
         */
        LogWrite useApproval(String approvalId, Instant at) {
            ApprovalRecord a = ApprovalRecord.findById(approvalId);
            List<String> controls = decision.reasons().stream().flatMap(r -> r.controls().stream()).distinct().toList();
            String failed = null;
            Map<String, Object> use = new LinkedHashMap<>();
            use.put("approvalId", approvalId);
            if (a == null) {
                failed = "there is no approval " + approvalId;
            } else {
                if (a.dueToExpire(at)) {
                    use.put("expired", a.status.name());
                    a.status = ApprovalStatus.EXPIRED;
                }
                if (a.status != ApprovalStatus.APPROVED) {
                    failed = a.status == ApprovalStatus.CONSUMED ? "approval " + approvalId + " was used already"
                            : "approval " + approvalId + " is " + a.status.name() + ", not APPROVED";
                } else if (!io.countersign.policy.api.Request.samePerson(a.requesterId, caller.getId())) {
                    failed = "approval " + approvalId + " was granted to another caller";
                } else if (!a.actionDigest.equals(actionDigest)) {
                    failed = "approval " + approvalId + " is for a different action (actionDigest " + a.actionDigest
                            + ", asked " + actionDigest + ")";
                }
            }
            if (failed != null) {
                use.put("result", failed);
                return write(Outcome.DENY, List.of(new ReasonView("approval.invalid", Outcome.DENY, failed, controls)),
                        null, null, use);
            }
            a.status = ApprovalStatus.CONSUMED;
            a.consumedAt = at;
            a.consumedBy = decisionId;
            use.put("result", "consumed");
            List<String> approvers = VoteRecord.of(a.id).stream().filter(v -> v.vote == VoteRecord.Vote.APPROVE)
                    .map(v -> v.voterId).toList();
            String message = "Approved by " + String.join(", ", approvers) + (a.breakGlass ? " (break-glass)" : "")
                    + " in approval " + approvalId + "; the policy asked for approval ("
                    + String.join(", ", decision.ruleIds()) + ").";
            return write(Outcome.ALLOW, List.of(new ReasonView("approval.granted", Outcome.ALLOW, message, controls)),
                    null, null, use);
        }

        /**
         * The entry, decision row and answer for {@code outcome}; {@code approval} is the request the answer
         * names, {@code newApproval} its row when this decision opens it.
         */
        LogWrite write(Outcome outcome, List<ReasonView> reasons, ApprovalView approvalView, ApprovalRecord newApproval,
                Map<String, Object> approvalUse) {
            String response = answer(new DecisionView(decisionId, outcome, reasons, decision.policyVersion(),
                    actionDigest, decidedAt, approvalView));
            // The entry holds everything the answer says and is found by the decision's id, so a row is
            // written only for a replay to find by its key, or to keep an answer that could not be rebuilt
            // from the entry exactly (see answerFromEntry).
            boolean rebuildable = rebuildable(response);
            List<Object> rows = new ArrayList<>(2);
            if (idempotencyKey != null || !rebuildable) {
                DecisionRecord record = new DecisionRecord();
                record.id = decisionId;
                record.decidedAt = now;
                record.callerId = caller.getId();
                record.outcome = outcome;
                record.actionDigest = actionDigest;
                record.idempotencyKey = idempotencyKey;
                record.requestHash = requestHash;
                record.response = rebuildable ? null : response;
                rows.add(record);
            }
            if (newApproval != null) {
                rows.add(newApproval);
            }

            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("decisionId", decisionId);
            entry.put("caller", Map.of("id", caller.getId(), "type", caller.getType(), "groups", List.copyOf(caller.getGroups())));
            entry.put("request", logged.request());
            entry.put("outcome", outcome.name());
            entry.put("reasons", reasons);
            entry.put("policyOutcome", outcome == decision.outcome() ? null : decision.outcome().name());
            entry.put("matched", decision.matched().stream().map(Reason::rule).distinct().toList());
            entry.put("policyVersion", decision.policyVersion());
            entry.put("actionDigest", actionDigest);
            entry.put("decidedAt", decidedAt);
            entry.put("approval", approvalView);
            entry.put("approvalUse", approvalUse);
            entry.put("idempotencyKey", idempotencyKey);
            entry.put("masked", logged.masked().isEmpty() ? null : logged.masked());
            entry.put("erased", logged.erased().isEmpty() ? null : logged.erased());

            io.countersign.approval.ApprovalView requested = newApproval != null
                    ? io.countersign.approval.ApprovalView.of(newApproval, List.of(), now) : null;
            String usedApproval = approvalUse == null ? null : (String) approvalUse.get("approvalId");
            return LogWrite.decision(decisionId, entry, rows, new Answer(response, outcome, false, requested, usedApproval));
        }
    }

    /** A pending request this instance opened: what an answer naming it says, and when it stops pending. */
    private record Known(ApprovalView view, Instant expiresAt) {
    }

    /** A decision under an idempotency key, with its answer when this batch appended it. */
    private record Prior(DecisionRecord record, String answer) {
    }

    /** A pending request as the guards of a batch know it: which one, and until when it may be voted on. */
    private record PendingRef(String id, Instant expiresAt) {
    }

    /**
     * The pending requests for the actions a batch's decisions ask about, keyed by requester and action:
     * one plain query per batch, sent with the chain lock (no entities are loaded for requests that are
     * only named). Newest first, so that of several pending requests for one action the newest is shared.
     */
    private static final BatchQuery<Map<String, PendingRef>> PENDING = new BatchQuery<>() {
        @Override
        public Sql sql(List<LogWrite> writes) {
            Set<String> digests = new LinkedHashSet<>();
            for (LogWrite write : writes) {
                if (write.guard() instanceof DecisionGuard guard && guard.seeksPending()) {
                    digests.add(guard.draft.actionDigest);
                }
            }
            return digests.isEmpty() ? null : new Sql("SELECT id, requester_id, action_digest, expires_at FROM approval"
                    + " WHERE status = 'PENDING' AND action_digest IN ("
                    + String.join(",", Collections.nCopies(digests.size(), "?")) + ") ORDER BY created_at DESC",
                    List.copyOf(digests));
        }

        @Override
        public Map<String, PendingRef> read(ResultSet rs, LogBatch batch) throws SQLException {
            Map<String, PendingRef> pending = new HashMap<>();
            while (rs.next()) {
                Instant expiresAt = rs.getObject(4, OffsetDateTime.class).toInstant();
                if (batch.now().isBefore(expiresAt)) {
                    pending.putIfAbsent(rs.getString(2) + "\n" + rs.getString(3), new PendingRef(rs.getString(1), expiresAt));
                }
            }
            return pending;
        }

        @Override
        public String toString() {
            return "pending approval requests";
        }
    };

    /**
     * What the decision guards of one batch read under the chain lock: earlier decisions by idempotency
     * key (one query for the whole batch) and the pending requests {@link #PENDING} read. Guards add what
     * they append, so a later entry in the same batch sees it.
     */
    private static final class Lookups {
        /** Earlier decisions by caller and key; the answer is known for those appended in this batch. */
        final Map<String, Prior> byKey = new HashMap<>();
        final Map<String, PendingRef> pending = new HashMap<>();

        static Lookups load(LogBatch batch) {
            Lookups found = new Lookups();
            Set<String> keys = new HashSet<>();
            for (LogWrite write : batch.writes()) {
                if (write.guard() instanceof DecisionGuard guard && guard.draft.idempotencyKey != null) {
                    keys.add(guard.draft.idempotencyKey);
                }
            }
            if (!keys.isEmpty()) {
                DecisionRecord.<DecisionRecord> list("idempotencyKey in ?1", keys)
                        .forEach(d -> found.byKey.put(d.callerId + "\n" + d.idempotencyKey, new Prior(d, null)));
            }
            Map<String, PendingRef> pending = batch.queried(PENDING);
            if (pending != null) {
                found.pending.putAll(pending);
            }
            return found;
        }
    }

    /**
     * Settles a decision under the chain lock: an idempotent replay, an approval presented for use, or
     * which pending request a REQUIRE_APPROVAL answer names (an existing one for the same requester and
     * action, or the new one it opens).
     */
    private final class DecisionGuard implements LogWrite.Guard {
        final Draft draft;
        final List<ReasonView> reasons;
        final LogWrite queued;
        /** The pending request {@code queued} names without opening it, or null when it opens its own. */
        final String expected;

        DecisionGuard(Draft draft, List<ReasonView> reasons, LogWrite queued, String expected) {
            this.draft = draft;
            this.reasons = reasons;
            this.queued = queued;
            this.expected = expected;
        }

        @Override
        public List<BatchQuery<?>> queries() {
            return List.of(PENDING);
        }

        boolean seeksPending() {
            return draft.decision.outcome() == Outcome.REQUIRE_APPROVAL && draft.request.approvalId() == null;
        }

        @Override
        public LogWrite.Check check(LogBatch batch) {
            Lookups found = batch.shared(Lookups.class, Lookups::load);
            String key = draft.idempotencyKey == null ? null : draft.caller.getId() + "\n" + draft.idempotencyKey;
            if (key != null) {
                Prior previous = found.byKey.get(key);
                if (previous != null) {
                    DecisionRecord d = previous.record();
                    String answer = previous.answer() != null ? previous.answer() : answerOf(d);
                    return new LogWrite.Refuse(new Replay(answer, d.outcome, d.requestHash.equals(draft.requestHash)));
                }
            }
            LogWrite.Check check = settle(found, batch);
            if (key != null) {
                LogWrite appended = check instanceof LogWrite.Append append ? append.write() : queued;
                // Its entry is not in the database before the batch commits: the answer is kept with the row.
                found.byKey.put(key, new Prior(row(appended, DecisionRecord.class), ((Answer) appended.payload()).body()));
            }
            return check;
        }

        private LogWrite.Check settle(Lookups found, LogBatch batch) {
            Instant at = batch.now();
            if (draft.decision.outcome() != Outcome.REQUIRE_APPROVAL) {
                return null;
            }
            if (draft.request.approvalId() != null) {
                TouchedApprovals.in(batch).add(draft.request.approvalId());
                return new LogWrite.Append(draft.useApproval(draft.request.approvalId(), at));
            }
            String pendingKey = draft.pendingKey();
            PendingRef shared = found.pending.get(pendingKey);
            if (shared != null && !stillPending(shared, batch, at)) {
                found.pending.remove(pendingKey);
                shared = null;
            }
            if (shared != null) {
                if (shared.id().equals(expected)) {
                    return null;
                }
                ApprovalRecord named = ApprovalRecord.findById(shared.id());
                return new LogWrite.Append(draft.write(Outcome.REQUIRE_APPROVAL, reasons, approvalView(named), null, null));
            }
            if (expected == null) {
                ApprovalRecord opened = row(queued, ApprovalRecord.class);
                found.pending.put(pendingKey, new PendingRef(opened.id, opened.expiresAt));
                return null;
            }
            // The request it was built against is no longer pending: this decision opens a new one.
            knownPending.remove(pendingKey);
            ApprovalRecord approval = draft.newApproval();
            found.pending.put(pendingKey, new PendingRef(approval.id, approval.expiresAt));
            return new LogWrite.Append(draft.write(Outcome.REQUIRE_APPROVAL, reasons, approvalView(approval), approval, null));
        }
    }

    /** The row of {@code type} that {@code write} inserts (a keyed decision's row, an opened request's). */
    private static <T> T row(LogWrite write, Class<T> type) {
        return write.rows().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("the entry writes no " + type.getSimpleName()));
    }

    /**
     * Whether a request read by the batch's plain query is still pending at {@code at}: by its deadline,
     * and, once a guard of this batch has touched it, by its entity (which may hold unflushed changes).
     */
    private static boolean stillPending(PendingRef ref, LogBatch batch, Instant at) {
        if (!at.isBefore(ref.expiresAt())) {
            return false;
        }
        if (!TouchedApprovals.in(batch).contains(ref.id())) {
            return true;
        }
        ApprovalRecord a = ApprovalRecord.findById(ref.id());
        return a != null && a.status == ApprovalStatus.PENDING && !a.dueToExpire(at);
    }

    /**
     * The stored answer, for its caller or an auditor: from the decision's row where it has one, else from
     * its log entry, found by the id recorded beside it.
     */
    public Optional<String> find(String decisionId, Caller caller, boolean auditor) {
        if (!RowIds.wellFormed(decisionId)) {
            return Optional.empty();
        }
        Optional<DecisionRecord> row = DecisionRecord.findByIdOptional(decisionId);
        if (row.isPresent()) {
            return row.filter(d -> auditor || d.callerId.equals(caller.getId())).map(this::answerOf);
        }
        // The id beside an entry is not covered by its hash: only the entry's own decisionId counts.
        return reader.decisionEntries(decisionId).stream().map(entry -> loggedDecision(entry.body()))
                .filter(e -> e != null && decisionId.equals(e.decisionId())).findFirst()
                .filter(e -> auditor || (e.caller() != null && caller.getId().equals(e.caller().id())))
                .map(DecisionService::answer);
    }

    /**
     * The answer {@code d} was given: kept in its row, or rebuilt from its log entry (committed, as the row
     * was read from the database).
     */
    private String answerOf(DecisionRecord d) {
        if (d.response != null) {
            return d.response;
        }
        List<LogReader.StoredEntry> entry = reader.page(d.sequence - 1, d.sequence, 1);
        if (entry.isEmpty()) {
            throw new IllegalStateException("decision " + d.id + " names log entry " + d.sequence + ", which is missing");
        }
        return answerFromEntry(entry.get(0).body());
    }

    /** What a decision entry records of the answer and who asked, read back from the entry's JSON. */
    private record Logged(String decisionId, LoggedCaller caller, Outcome outcome, List<ReasonView> reasons,
            String policyVersion, String actionDigest, String decidedAt, ApprovalView approval) {
    }

    private record LoggedCaller(String id) {
    }

    private static final ObjectReader ENTRY = JSON.readerFor(Logged.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The answer rebuilt from a stored decision entry ({@code {"entry": {...}, "kind": ...}}): the same
     * values written the same way, so the same text as the answer given ({@link #rebuildable}).
     */
    static String answerFromEntry(byte[] storedBody) {
        Logged e = loggedDecision(storedBody);
        if (e == null) {
            throw new IllegalStateException("a decision's row names a log entry that is not a decision entry");
        }
        return answer(e);
    }

    /**
     * The entry read as a decision, or null when it is none: an altered column may name any entry, such as an
     * approval entry, whose body carries the decision's id too.
     */
    private static Logged loggedDecision(byte[] storedBody) {
        try {
            JsonNode body = JSON.readTree(storedBody);
            if (!"decision".equals(body.path("kind").asText()) || !body.path("entry").isObject()) {
                return null;
            }
            return ENTRY.readValue(body.get("entry"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String answer(Logged e) {
        return answer(new DecisionView(e.decisionId(), e.outcome(), e.reasons(), e.policyVersion(), e.actionDigest(),
                e.decidedAt(), e.approval()));
    }

    /**
     * Whether {@code answer} comes back exactly from its entry. Every value in it is in the entry, and
     * the entry's canonical UTF-8 keeps every string except one with an unpaired surrogate; an answer with
     * any surrogate at all is kept in its row.
     */
    static boolean rebuildable(String answer) {
        for (int i = 0; i < answer.length(); i++) {
            if (Character.isSurrogate(answer.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static ApprovalView approvalView(ApprovalRecord approval) {
        return new ApprovalView(approval.id, approval.status, approval.groups(), approval.groupMode.name(),
                approval.quorum, approval.expiresAt.toString());
    }

    private static ApprovalView approvalView(io.countersign.approval.ApprovalView approval) {
        return new ApprovalView(approval.id(), approval.status(), approval.approverGroups(), approval.groupMode(),
                approval.quorum(), approval.expiresAt());
    }

    private static List<ReasonView> reasons(List<Reason> reasons) {
        return reasons.stream().map(r -> new ReasonView(r.rule(), r.outcome(), r.message(), r.controls())).toList();
    }

    private static String answer(DecisionView view) {
        return write(ANSWER, view);
    }

    private static String write(Object value) {
        return write(JSON.writer(), value);
    }

    private static String write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the decision: " + e.getMessage(), e);
        }
    }

    private static RuntimeException unavailable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return Problems.logUnavailable("the log did not commit in time").exception();
        }
        if (cause instanceof LogUnavailableException) {
            return Problems.logUnavailable(cause.getMessage()).exception();
        }
        return Problems.logUnavailable("unexpected error").exception();
    }
}

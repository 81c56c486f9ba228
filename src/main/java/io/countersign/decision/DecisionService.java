package io.countersign.decision;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.approval.ApprovalRecord;
import io.countersign.approval.ApprovalStatus;
import io.countersign.audit.DecisionLog;
import io.countersign.audit.LogMasking;
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

    /** The answer: the response body, and whether it replays an earlier decision. */
    public record Answer(String body, Outcome outcome, boolean replayed) {
    }

    public record ReasonView(String rule, Outcome outcome, String message, List<String> controls) {
    }

    public record ApprovalView(String id, ApprovalStatus status, List<String> approverGroups, String groupMode,
            int quorum, String expiresAt) {
    }

    public record DecisionView(String decisionId, Outcome outcome, List<ReasonView> reasons, String policyVersion,
            String actionDigest, String timestamp, ApprovalView approval) {
    }

    private record Replay(DecisionRecord previous, boolean sameRequest) {
    }

    private final PolicyService policies;
    private final DecisionLog log;
    private final LogMasking masking;
    private final Map<Outcome, Counter> decisions = new LinkedHashMap<>();

    DecisionService(PolicyService policies, DecisionLog log, LogMasking masking, MeterRegistry registry) {
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
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String decisionId = UUID.randomUUID().toString();
        String actionDigest = ActionDigest.of(request.request());
        ApprovalRecord approval = decision.outcome() == Outcome.REQUIRE_APPROVAL
                ? pendingApproval(decisionId, request, actionDigest, decision.approval(), now) : null;
        DecisionView view = new DecisionView(decisionId, decision.outcome(), reasons(decision.reasons()),
                decision.policyVersion(), actionDigest, now.toString(), approval == null ? null : approvalView(approval));
        String response = write(view);

        @SuppressWarnings("unchecked")
        Map<String, Object> asked = (Map<String, Object>) node.plainValue();
        String requestHash = CanonicalJson.sha256(CanonicalJson.bytes(asked));
        DecisionRecord record = new DecisionRecord();
        record.id = decisionId;
        record.decidedAt = now;
        record.callerId = caller.getId();
        record.outcome = decision.outcome();
        record.actionDigest = actionDigest;
        record.idempotencyKey = idempotencyKey;
        record.requestHash = requestHash;
        record.response = response;

        LogMasking.Masked logged = masking.apply(asked);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("decisionId", decisionId);
        entry.put("caller", Map.of("id", caller.getId(), "type", caller.getType(), "groups", List.copyOf(caller.getGroups())));
        entry.put("request", logged.request());
        entry.put("outcome", decision.outcome().name());
        entry.put("reasons", reasons(decision.reasons()));
        entry.put("matched", decision.matched().stream().map(Reason::rule).distinct().toList());
        entry.put("policyVersion", decision.policyVersion());
        entry.put("actionDigest", actionDigest);
        entry.put("decidedAt", now.toString());
        entry.put("approval", approval == null ? null : approvalView(approval));
        entry.put("idempotencyKey", idempotencyKey);
        entry.put("masked", logged.masked().isEmpty() ? null : logged.masked());
        entry.put("erased", logged.erased().isEmpty() ? null : logged.erased());

        LogWrite.Guard guard = idempotencyKey == null ? null
                : at -> DecisionRecord.byIdempotencyKey(caller.getId(), idempotencyKey)
                        .<LogWrite.Check> map(previous -> new LogWrite.Refuse(
                                new Replay(previous, previous.requestHash.equals(requestHash))))
                        .orElse(null);
        List<Object> rows = new ArrayList<>(2);
        rows.add(record);
        if (approval != null) {
            rows.add(approval);
        }
        Answer answer = new Answer(response, decision.outcome(), false);
        return log.append(LogWrite.of("decision", entry, guard, rows, answer)).handle((result, failure) -> {
            if (failure != null) {
                throw unavailable(failure);
            }
            if (result.payload() instanceof Replay replay) {
                if (!replay.sameRequest()) {
                    throw Problem.of(409, "idempotency_key_reused", "Idempotency key reused",
                            "this Idempotency-Key was used with a different request body").exception();
                }
                return new Answer(replay.previous().response, replay.previous().outcome, true);
            }
            Answer appended = (Answer) result.payload();
            decisions.get(appended.outcome()).increment();
            return appended;
        });
    }

    /** The stored answer, for its caller or an auditor. */
    public Optional<String> find(String decisionId, Caller caller, boolean auditor) {
        return DecisionRecord.<DecisionRecord> findByIdOptional(decisionId)
                .filter(d -> auditor || d.callerId.equals(caller.getId()))
                .map(d -> d.response);
    }

    private static ApprovalRecord pendingApproval(String decisionId, RequestYaml.Body request, String actionDigest,
            ApprovalRequirement requirement, Instant now) {
        ApprovalRecord approval = new ApprovalRecord();
        approval.id = UUID.randomUUID().toString();
        approval.decisionId = decisionId;
        approval.status = ApprovalStatus.PENDING;
        approval.requesterId = request.request().getCaller().getId();
        approval.requesterType = request.request().getCaller().getType();
        approval.onBehalfOf = request.request().getOnBehalfOf();
        approval.actionDigest = actionDigest;
        approval.approverGroups = String.join("\n", requirement.approverGroups());
        approval.groupMode = requirement.groupMode();
        approval.quorum = requirement.quorum();
        approval.createdAt = now;
        approval.expiresAt = now.plus(requirement.ttl());
        return approval;
    }

    private static ApprovalView approvalView(ApprovalRecord approval) {
        return new ApprovalView(approval.id, approval.status, approval.groups(), approval.groupMode.name(),
                approval.quorum, approval.expiresAt.toString());
    }

    private static List<ReasonView> reasons(List<Reason> reasons) {
        return reasons.stream().map(r -> new ReasonView(r.rule(), r.outcome(), r.message(), r.controls())).toList();
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
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

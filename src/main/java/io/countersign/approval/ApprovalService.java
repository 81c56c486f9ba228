package io.countersign.approval;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.countersign.audit.DecisionLog;
import io.countersign.audit.LogUnavailableException;
import io.countersign.audit.LogWrite;
import io.countersign.audit.RowIds;
import io.countersign.http.Problem;
import io.countersign.http.Problems;
import io.countersign.policy.RequestRules;
import io.countersign.policy.api.Caller;
import io.countersign.policy.api.Request;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * The approval lifecycle: votes, cancellation and expiry. Every change goes through the decision log as
 * a guarded write, so it is decided under the chain lock: two approvers racing, a vote racing a deny or
 * the deadline, or two instances at once all end in exactly one state, each vote counted or refused
 * with a reason, and each change is an entry in the same chain as the decisions.
 */
@ApplicationScoped
public class ApprovalService {
    private static final Logger LOG = Logger.getLogger(ApprovalService.class);
    private static final byte[] PLACEHOLDER = "{}".getBytes(StandardCharsets.US_ASCII);

    public static final String CHANNEL_API = "api";

    private final DecisionLog log;
    private final ApprovalConfig config;
    private final ApprovalEvents events;

    ApprovalService(DecisionLog log, ApprovalConfig config, ApprovalEvents events) {
        this.log = log;
        this.config = config;
        this.events = events;
    }

    /** A request as {@code caller} may see it: its requester, the principal it acts for, an approver, an auditor. */
    public Optional<ApprovalView> view(String id, Caller caller, boolean auditor) {
        if (!RowIds.wellFormed(id)) {
            return Optional.empty();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            ApprovalRecord a = ApprovalRecord.findById(id);
            if (a == null || !(auditor || mayView(a, caller))) {
                return Optional.<ApprovalView> empty();
            }
            return Optional.of(ApprovalView.of(a, VoteRecord.of(id), Instant.now()));
        });
    }

    /** The requests in {@code status} that {@code caller} may decide (member of a required or break-glass group). */
    public List<ApprovalView> decidable(Caller caller, ApprovalStatus status, int limit) {
        Instant now = Instant.now();
        return QuarkusTransaction.requiringNew().call(() -> {
            List<ApprovalView> views = new ArrayList<>();
            for (ApprovalRecord a : ApprovalRecord.<ApprovalRecord> list("status = ?1 order by createdAt", status)) {
                if (views.size() >= limit) {
                    break;
                }
                if (decidableBy(a, caller) && (status != ApprovalStatus.PENDING || !a.dueToExpire(now))) {
                    views.add(ApprovalView.of(a, VoteRecord.of(a.id), now));
                }
            }
            return views;
        });
    }

    /**
     * The requests no longer pending that {@code caller} could have decided, whoever decided them, the
     * most recently decided (or expired) first; read a page at a time until {@code limit} are found or
     * the newest 5,000 have been looked at, so that the read stays bounded however long the history.
     */
    public List<ApprovalView> decided(Caller caller, int limit) {
        Instant now = Instant.now();
        return QuarkusTransaction.requiringNew().call(() -> {
            List<ApprovalView> views = new ArrayList<>();
            var query = ApprovalRecord.<ApprovalRecord> find(
                    "status <> ?1 order by coalesce(decidedAt, expiresAt) desc, id", ApprovalStatus.PENDING).page(0, 200);
            int pages = 0;
            for (List<ApprovalRecord> page = query.list(); !page.isEmpty() && views.size() < limit && ++pages <= 25;
                    page = query.nextPage().list()) {
                for (ApprovalRecord a : page) {
                    if (views.size() < limit && decidableBy(a, caller)) {
                        views.add(ApprovalView.of(a, VoteRecord.of(a.id), now));
                    }
                }
            }
            return views;
        });
    }

    public CompletionStage<ApprovalView> approve(String id, Caller voter, String comment, boolean breakGlass, String channel) {
        if (breakGlass && (comment == null || comment.isBlank())) {
            throw Problems.badParameter("comment", "a break-glass approval needs a reason").exception();
        }
        return vote(id, voter, VoteRecord.Vote.APPROVE, comment, breakGlass, channel);
    }

    public CompletionStage<ApprovalView> deny(String id, Caller voter, String comment, String channel) {
        if (comment == null || comment.isBlank()) {
            throw Problems.badParameter("comment", "a denial needs a comment saying why").exception();
        }
        return vote(id, voter, VoteRecord.Vote.DENY, comment, false, channel);
    }

    public CompletionStage<ApprovalView> cancel(String id, Caller caller) {
        return change(id, (a, at) -> {
            if (!Request.samePerson(caller.getId(), a.requesterId)) {
                return refuse(Problems.forbidden("only the requester may cancel this request"));
            }
            a.status = ApprovalStatus.CANCELLED;
            a.decidedAt = at;
            Map<String, Object> entry = event("cancelled", a, at);
            entry.put("by", caller.getId());
            return new LogWrite.Append(LogWrite.of("approval", entry, null, List.of(), new Changed(view(a, at), null)));
        });
    }

    private CompletionStage<ApprovalView> vote(String id, Caller voter, VoteRecord.Vote vote, String comment,
            boolean breakGlass, String channel) {
        if (comment != null) {
            String problem = comment.length() > config.maxComment()
                    ? "longer than " + config.maxComment() + " characters" : RequestRules.text(comment);
            if (problem != null) {
                throw Problems.badParameter("comment", problem).exception();
            }
        }
        return change(id, (a, at) -> {
            // INVARIANT: an approval never counts a vote from its requester, from the principal it acts
            // for, or a second vote from anyone; and agents never vote.
            if (Request.samePerson(voter.getId(), a.requesterId) || Request.samePerson(voter.getId(), a.onBehalfOf)) {
                return refuse(selfApproval("the requester, and the principal it acts for, cannot decide their own request"));
            }
            List<VoteRecord> votes = VoteRecord.of(a.id);
            if (votes.stream().anyMatch(v -> Request.samePerson(v.voterId, voter.getId()))) {
                return refuse(selfApproval("this caller has voted on this request already"));
            }
            if (!voter.isHuman()) {
                return refuse(Problems.forbidden("only humans vote; this token is an agent's"));
            }
            boolean glass = breakGlass && breakGlass(voter);
            if (breakGlass && !glass) {
                return refuse(Problems.forbidden("break-glass approval needs membership of " + config.breakGlassGroups()));
            }
            if (!glass && a.groups().stream().noneMatch(voter::memberOf)) {
                return refuse(Problems.forbidden("voting on this request needs membership of "
                        + (a.groupMode == io.countersign.policy.GroupMode.EACH ? "each of " : "one of ") + a.groups()));
            }
            VoteRecord cast = new VoteRecord();
            cast.id = RowIds.next();
            cast.approvalId = a.id;
            cast.voterId = voter.getId();
            cast.voterKey = Request.personKey(voter.getId());
            cast.vote = vote;
            cast.comment = comment;
            cast.channel = channel;
            cast.voterGroups = String.join("\n", voter.getGroups());
            cast.breakGlass = glass;
            cast.votedAt = at;
            votes = new ArrayList<>(votes);
            votes.add(cast);

            if (vote == VoteRecord.Vote.DENY) {
                a.status = ApprovalStatus.DENIED;
            } else if (glass || Quorum.met(a.groupMode, a.groups(), a.quorum, approvers(votes))) {
                a.status = ApprovalStatus.APPROVED;
                a.useBy = at.plus(config.useWithin());
                a.breakGlass = glass;
            }
            if (a.status != ApprovalStatus.PENDING) {
                a.decidedAt = at;
            }
            Map<String, Object> entry = event(a.status == ApprovalStatus.PENDING ? "voted" : a.status.name().toLowerCase(), a, at);
            entry.put("voter", Map.of("id", voter.getId(), "type", voter.getType(), "groups", List.copyOf(voter.getGroups())));
            entry.put("vote", vote.name());
            entry.put("comment", comment);
            entry.put("channel", channel);
            entry.put("breakGlass", glass);
            entry.put("approvals", approvers(votes).size());
            return new LogWrite.Append(LogWrite.of("approval", entry, null, List.of(cast),
                    new Changed(ApprovalView.of(a, votes, at), null)));
        });
    }

    /** Expires every request whose deadline has passed; each expiry is a log entry. */
    @Scheduled(every = "${countersign.approval.expiry-check-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireDue() {
        Instant now = Instant.now();
        List<String> due;
        try {
            due = QuarkusTransaction.requiringNew().call(() -> ApprovalRecord.<ApprovalRecord> list(
                    "(status = ?1 and expiresAt <= ?2) or (status = ?3 and useBy <= ?2)",
                    ApprovalStatus.PENDING, now, ApprovalStatus.APPROVED).stream().map(a -> a.id).toList());
        } catch (RuntimeException e) {
            LOG.debugf("expiry sweep skipped: %s", e.getMessage());
            return;
        }
        for (String id : due) {
            change(id, (a, at) -> refuse(null)).exceptionally(e -> null);
        }
    }

    /** A state change decided under the chain lock; {@code step} sees only requests still pending and not due. */
    private CompletionStage<ApprovalView> change(String id, Step step) {
        if (!RowIds.wellFormed(id)) {
            throw Problems.notFound("no approval request " + id).exception();
        }
        LogWrite.Guard guard = batch -> {
            Instant at = batch.now();
            TouchedApprovals.in(batch).add(id);
            ApprovalRecord a = ApprovalRecord.findById(id);
            if (a == null) {
                return refuse(Problems.notFound("no approval request " + id));
            }
            if (a.dueToExpire(at)) {
                // A late vote never lands: the request expires now, in the log, and the vote is refused.
                Map<String, Object> entry = event("expired", a, at);
                entry.put("previousStatus", a.status.name());
                a.status = ApprovalStatus.EXPIRED;
                return new LogWrite.Append(LogWrite.of("approval", entry, null, List.of(), new Changed(view(a, at), notPending(a))));
            }
            if (a.status != ApprovalStatus.PENDING) {
                return refuse(notPending(a));
            }
            return step.apply(a, at);
        };
        return log.append(new LogWrite("approval", PLACEHOLDER, null, guard, List.of(), null)).handle((result, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                throw cause instanceof LogUnavailableException ? Problems.logUnavailable(cause.getMessage()).exception()
                        : new CompletionException(cause);
            }
            if (result.payload() instanceof Problem problem) {
                throw problem.exception();
            }
            Changed changed = (Changed) result.payload();
            if (changed == null) {
                return null;
            }
            events.changed(changed.view());
            if (changed.refusal() != null) {
                throw changed.refusal().exception();
            }
            return changed.view();
        });
    }

    /** A committed change, and the refusal to give its caller when the change was not what they asked (a late vote). */
    private record Changed(ApprovalView view, Problem refusal) {
    }

    @FunctionalInterface
    private interface Step {
        LogWrite.Check apply(ApprovalRecord approval, Instant at);
    }

    private static LogWrite.Check refuse(Problem problem) {
        return new LogWrite.Refuse(problem);
    }

    private static Problem selfApproval(String detail) {
        return Problem.of(403, "self_approval", "Separation of duties", detail);
    }

    private static Problem notPending(ApprovalRecord a) {
        return Problem.of(409, "approval_not_pending", "Request no longer pending",
                "the request is " + a.status.name()).withField("status", null);
    }

    private static ApprovalView view(ApprovalRecord a, Instant at) {
        return ApprovalView.of(a, VoteRecord.of(a.id), at);
    }

    static Map<String, Object> event(String event, ApprovalRecord a, Instant at) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("event", event);
        entry.put("approvalId", a.id);
        entry.put("decisionId", a.decisionId);
        entry.put("status", a.status.name());
        entry.put("actionDigest", a.actionDigest);
        entry.put("requester", a.requesterId);
        entry.put("at", at.toString());
        return entry;
    }

    private boolean breakGlass(Caller caller) {
        return caller.isHuman() && config.breakGlassGroups().stream().anyMatch(caller::memberOf);
    }

    /** A member of a group the request names (or of break-glass), and neither its requester nor the principal it acts for. */
    private boolean decidableBy(ApprovalRecord a, Caller caller) {
        boolean member = a.groups().stream().anyMatch(caller::memberOf) || breakGlass(caller);
        return member && !isParty(a, caller.getId());
    }

    private static boolean isParty(ApprovalRecord a, String id) {
        return Request.samePerson(id, a.requesterId) || Request.samePerson(id, a.onBehalfOf);
    }

    private boolean mayView(ApprovalRecord a, Caller caller) {
        return isParty(a, caller.getId()) || a.groups().stream().anyMatch(caller::memberOf) || breakGlass(caller);
    }

    static List<Quorum.Approver> approvers(List<VoteRecord> votes) {
        List<Quorum.Approver> approvers = new ArrayList<>();
        for (VoteRecord v : votes) {
            if (v.vote == VoteRecord.Vote.APPROVE) {
                approvers.add(new Quorum.Approver(v.voterKey, new HashSet<>(v.groups())));
            }
        }
        return approvers;
    }
}

package io.countersign.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an approver needs to judge a request, in the same words on every channel (web inbox, Slack,
 * Teams): who asks and for whom, the action and resource, why, the artifact, the rules that asked with
 * their controls, the deadline and the votes so far. Built from {@link ApprovalView}; absent facts are
 * {@code null}, never invented.
 */
public record ApprovalSummary(String id, ApprovalStatus status, String requester, String requesterType, String onBehalfOf,
        String action, String resourceType, String resourceId, String environment, String classification, String reason,
        String ticket, Artifact artifact, List<Rule> rules, List<String> approverGroups, String groupMode, int quorum,
        Instant createdAt, Instant expiresAt, Instant decidedAt, List<ApprovalView.VoteView> votes) {

    public record Artifact(String type, String digest, String summary, String link) {
    }

    public record Rule(String rule, String message, List<String> controls) {
    }

    public static ApprovalSummary of(ApprovalView view) {
        Map<String, Object> request = view.request() == null ? Map.of() : view.request();
        Map<String, Object> caller = map(request.get("caller"));
        Map<String, Object> resource = map(request.get("resource"));
        Map<String, Object> context = map(request.get("context"));
        Map<String, Object> artifact = map(context.get("artifact"));
        List<Rule> rules = new ArrayList<>();
        if (request.get("reasons") instanceof List<?> reasons) {
            for (Object item : reasons) {
                Map<String, Object> r = map(item);
                List<String> controls = r.get("controls") instanceof List<?> list
                        ? list.stream().map(String::valueOf).toList() : List.of();
                rules.add(new Rule(text(r.get("rule")), text(r.get("message")), controls));
            }
        }
        return new ApprovalSummary(view.id(), view.status(), text(caller.get("id")), text(caller.get("type")),
                text(request.get("onBehalfOf")), text(request.get("action")), text(resource.get("type")),
                text(resource.get("id")), text(resource.get("environment")), text(resource.get("classification")),
                text(context.get("reason")), text(context.get("ticket")),
                artifact.isEmpty() ? null : new Artifact(text(artifact.get("type")), text(artifact.get("digest")),
                        text(artifact.get("summary")), text(artifact.get("link"))),
                List.copyOf(rules), view.approverGroups(), view.groupMode(), view.quorum(), instant(view.createdAt()),
                instant(view.expiresAt()), instant(view.decidedAt()), view.votes() == null ? List.of() : view.votes());
    }

    /** How many approving votes the request has. */
    public long approvals() {
        return votes.stream().filter(v -> v.vote() == VoteRecord.Vote.APPROVE).count();
    }

    /** Time left to vote at {@code now}, never negative; zero once the deadline passed. */
    public Duration timeLeft(Instant now) {
        if (expiresAt == null || !now.isBefore(expiresAt)) {
            return Duration.ZERO;
        }
        return Duration.between(now, expiresAt);
    }

    /** A short text for a duration, e.g. {@code 3h 05m} or {@code 4m 10s}. */
    public static String describe(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return "%dh %02dm".formatted(s / 3600, (s % 3600) / 60);
        }
        return "%dm %02ds".formatted(s / 60, s % 60);
    }

    /** A safe link: only http(s) URLs are ever shown as links; anything else is shown as text. */
    public static boolean linkable(String link) {
        return link != null && (link.startsWith("https://") || link.startsWith("http://"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static Instant instant(String value) {
        return value == null ? null : Instant.parse(value);
    }
}

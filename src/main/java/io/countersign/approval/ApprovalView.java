package io.countersign.approval;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An approval request as approvers, requesters and auditors see it: the full context and every vote. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalView(String id, ApprovalStatus status, String decisionId, Map<String, Object> request,
        List<String> approverGroups, String groupMode, int quorum, boolean breakGlass, String createdAt,
        String expiresAt, String decidedAt, String useBy, String consumedAt, String consumedBy, List<VoteView> votes) {

    public record VoteView(String voter, VoteRecord.Vote vote, String comment, String channel, List<String> groups,
            boolean breakGlass, String at) {
        static VoteView of(VoteRecord v) {
            return new VoteView(v.voterId, v.vote, v.comment, v.channel, v.groups(), v.breakGlass, v.votedAt.toString());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The request as it stands at {@code now}: a request past its deadline reads as EXPIRED even before the sweep. */
    public static ApprovalView of(ApprovalRecord a, List<VoteRecord> votes, Instant now) {
        ApprovalStatus status = a.dueToExpire(now) ? ApprovalStatus.EXPIRED : a.status;
        return new ApprovalView(a.id, status, a.decisionId, context(a), a.groups(), a.groupMode.name(), a.quorum,
                a.breakGlass, text(a.createdAt), text(a.expiresAt), text(a.decidedAt), text(a.useBy), text(a.consumedAt),
                a.consumedBy, votes.stream().map(VoteView::of).toList());
    }

    static Map<String, Object> context(ApprovalRecord a) {
        if (a.context == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(a.context, new TypeReference<Map<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("approval " + a.id + " has an unreadable context", e);
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}

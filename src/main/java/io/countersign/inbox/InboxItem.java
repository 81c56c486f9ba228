package io.countersign.inbox;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.ApprovalSummary;
import io.countersign.approval.ApprovalView;
import io.countersign.approval.VoteRecord;

/**
 * One request as the inbox shows it: the summary every channel shares, with the facts a page needs
 * already worked out (time left in words, whether the artifact link may be a link, who decided).
 */
public record InboxItem(ApprovalSummary summary, boolean pending, String timeLeft, boolean artifactLinkable,
        String decidedBy, long approvals) {

    public static InboxItem of(ApprovalView view, Instant now) {
        ApprovalSummary s = ApprovalSummary.of(view);
        boolean pending = s.status() == ApprovalStatus.PENDING;
        String left = pending ? ApprovalSummary.describe(s.timeLeft(now)) : null;
        boolean linkable = s.artifact() != null && ApprovalSummary.linkable(s.artifact().link());
        return new InboxItem(s, pending, left, linkable, decidedBy(s), s.approvals());
    }

    /** Who made the request what it is now, in words; {@code null} while pending. */
    private static String decidedBy(ApprovalSummary s) {
        return switch (s.status()) {
            case PENDING -> null;
            case APPROVED, CONSUMED -> voters(s, VoteRecord.Vote.APPROVE);
            case DENIED -> voters(s, VoteRecord.Vote.DENY);
            case EXPIRED -> "nobody: the deadline passed";
            case CANCELLED -> s.requester() + " (cancelled)";
        };
    }

    private static String voters(ApprovalSummary s, VoteRecord.Vote vote) {
        List<ApprovalView.VoteView> votes = s.votes().stream().filter(v -> v.vote() == vote).toList();
        return votes.isEmpty() ? "-" : votes.stream().map(ApprovalView.VoteView::voter).collect(Collectors.joining(", "));
    }
}

package io.countersign.approval;

/**
 * A committed change to an approval request, for the channels that show requests to people (Slack,
 * Teams, the web inbox's listeners). Fired asynchronously after the log has committed the change, so a
 * slow or failing channel never holds up a decision or a vote.
 *
 * @param type {@link #REQUESTED}, {@link #VOTED} (a vote counted, still pending) or {@link #DECIDED}
 */
public record ApprovalNotice(String type, ApprovalView view) {
    public static final String REQUESTED = "approval.requested";
    public static final String VOTED = "approval.voted";
    public static final String DECIDED = "approval.decided";
}

package io.countersign.channel.teams;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import io.countersign.approval.ApprovalConfig;
import io.countersign.approval.ApprovalNotice;
import io.countersign.approval.ApprovalSummary;

/**
 * Mode (a): posts each new request, and later its outcome, to a Teams Workflows webhook as an Adaptive
 * Card. The request card links to the web inbox, where the vote happens: Teams cannot call back through
 * a webhook. The outcome card is how the requester's side of that channel learns the result.
 */
@ApplicationScoped
public class WorkflowsWebhook {
    private final TeamsConfig config;
    private final ApprovalConfig approvals;
    private final TeamsHttp http;

    WorkflowsWebhook(TeamsConfig config, ApprovalConfig approvals, TeamsHttp http) {
        this.config = config;
        this.approvals = approvals;
        this.http = http;
    }

    void on(@ObservesAsync ApprovalNotice notice) {
        if (config.webhook().url().isEmpty()) {
            return;
        }
        ApprovalSummary summary = ApprovalSummary.of(notice.view());
        Map<String, Object> card = switch (notice.type()) {
            case ApprovalNotice.REQUESTED -> AdaptiveCards.request(summary, AdaptiveCards.Buttons.INBOX_LINK,
                    approvals.inboxLink(summary.id()), Instant.now(), null);
            case ApprovalNotice.DECIDED -> AdaptiveCards.outcome(summary);
            default -> null;
        };
        if (card != null) {
            post(config.webhook().url().get(), card, notice.type() + " " + summary.id());
        }
    }

    private void post(URI url, Map<String, Object> card, String about) {
        try {
            http.json("POST", url, AdaptiveCards.message(card), null);
        } catch (TeamsHttp.CallFailed | RuntimeException e) {
            http.failed("webhook_post", about, e);
        }
    }
}

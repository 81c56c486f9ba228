package io.countersign.channel.teams;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import io.countersign.approval.ApprovalConfig;
import io.countersign.approval.ApprovalNotice;
import io.countersign.approval.ApprovalService;
import io.countersign.approval.ApprovalSummary;
import io.countersign.approval.ApprovalView;
import io.countersign.policy.api.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Mode (b), outbound: posts a card with Approve / Deny to the conversation mapped to each approver group
 * of a new request, keeps the card's activity id, updates the card as votes land, and on the outcome
 * replies in that conversation and updates the card to show it (no buttons left).
 */
@ApplicationScoped
public class BotConversations {
    /** Reads requests to draw their cards; it never votes. */
    static final Caller READER = new Caller("channel:teams", Caller.AGENT, List.of());

    private final TeamsConfig config;
    private final ApprovalConfig approvalConfig;
    private final ApprovalService approvals;
    private final BotConnector connector;
    private final TeamsHttp http;
    private final Object[] locks = new Object[64];

    BotConversations(TeamsConfig config, ApprovalConfig approvalConfig, ApprovalService approvals, BotConnector connector,
            TeamsHttp http) {
        this.config = config;
        this.approvalConfig = approvalConfig;
        this.approvals = approvals;
        this.connector = connector;
        this.http = http;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    void on(@ObservesAsync ApprovalNotice notice) {
        if (!config.bot().enabled() || config.bot().conversations().isEmpty()) {
            return;
        }
        String id = notice.view().id();
        // Notices are delivered on a pool, in no fixed order: one request's cards change one at a time,
        // each drawn from the request as it stands then, so a late notice never redraws an older state.
        synchronized (locks[Math.floorMod(id.hashCode(), locks.length)]) {
            switch (notice.type()) {
                case ApprovalNotice.REQUESTED -> post(id);
                case ApprovalNotice.VOTED -> redraw(id, false);
                case ApprovalNotice.DECIDED -> redraw(id, true);
                default -> {
                }
            }
        }
    }

    /** The card for request {@code view} as it stands now, for the bot's conversations. */
    Map<String, Object> card(ApprovalView view, String notice) {
        return AdaptiveCards.request(ApprovalSummary.of(view), AdaptiveCards.Buttons.EXECUTE,
                approvalConfig.inboxLink(view.id()), Instant.now(), notice);
    }

    /** Whether request {@code approvalId}'s card was posted in {@code conversationId} (a reply thread counts). */
    static boolean postedIn(String approvalId, String conversationId) {
        if (approvalId == null || conversationId == null) {
            return false;
        }
        String conversation = conversationId.split(";messageid=")[0];
        return QuarkusTransaction.requiringNew().call(() -> TeamsMessageRecord.of(approvalId).stream()
                .anyMatch(m -> m.conversationId.equals(conversation)));
    }

    private void post(String approvalId) {
        Optional<ApprovalView> current = approvals.view(approvalId, READER, true);
        if (current.isEmpty()) {
            return;
        }
        ApprovalView view = current.get();
        Set<String> conversations = new LinkedHashSet<>();
        for (String group : view.approverGroups()) {
            String conversation = config.bot().conversations().get(group);
            if (conversation != null) {
                conversations.add(conversation);
            }
        }
        Map<String, Object> message = AdaptiveCards.message(card(view, null));
        for (String conversation : conversations) {
            try {
                String activityId = connector.send(conversation, message);
                QuarkusTransaction.requiringNew().run(() -> {
                    TeamsMessageRecord m = new TeamsMessageRecord();
                    m.id = UUID.randomUUID().toString();
                    m.approvalId = view.id();
                    m.conversationId = conversation;
                    m.activityId = activityId;
                    m.postedAt = Instant.now();
                    m.persist();
                });
            } catch (TeamsHttp.CallFailed | RuntimeException e) {
                http.failed("post_card", "request " + view.id() + " to " + conversation, e);
            }
        }
    }

    private void redraw(String approvalId, boolean decided) {
        List<TeamsMessageRecord> posted = QuarkusTransaction.requiringNew().call(() -> TeamsMessageRecord.of(approvalId));
        if (posted.isEmpty()) {
            return;
        }
        Optional<ApprovalView> now = approvals.view(approvalId, READER, true);
        if (now.isEmpty()) {
            return;
        }
        Map<String, Object> card = AdaptiveCards.message(card(now.get(), null));
        Map<String, Object> outcome = AdaptiveCards.message(AdaptiveCards.outcome(ApprovalSummary.of(now.get())));
        for (TeamsMessageRecord m : posted) {
            if (decided) {
                try {
                    connector.reply(m.conversationId, m.activityId, outcome);
                } catch (TeamsHttp.CallFailed | RuntimeException e) {
                    http.failed("reply", "outcome of " + approvalId + " in " + m.conversationId, e);
                }
            }
            try {
                connector.update(m.conversationId, m.activityId, card);
            } catch (TeamsHttp.CallFailed | RuntimeException e) {
                http.failed("update_card", "card of " + approvalId + " in " + m.conversationId, e);
            }
        }
    }
}

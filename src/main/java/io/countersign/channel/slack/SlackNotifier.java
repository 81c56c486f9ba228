package io.countersign.channel.slack;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import org.jboss.logging.Logger;

import com.slack.api.model.block.LayoutBlock;

import io.countersign.approval.ApprovalConfig;
import io.countersign.approval.ApprovalNotice;
import io.countersign.approval.ApprovalService;
import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.ApprovalView;
import io.countersign.people.PeopleConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps each request's Slack message in step with the request. A new request is posted to the channel of
 * each of its approver groups; a counted vote updates the message; the decision replaces its buttons
 * with the outcome and is told in the message's thread, once. Notices arrive asynchronously and maybe out
 * of order, so each one is handled under a lock per request and renders the request as it stands now,
 * not as the notice saw it.
 */
@ApplicationScoped
public class SlackNotifier {
    private static final Logger LOG = Logger.getLogger(SlackNotifier.class);
    private static final Object[] LOCKS = new Object[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new Object();
        }
    }

    private final SlackChannelConfig config;
    private final SlackApi slack;
    private final PostedMessages posted;
    private final ApprovalService approvals;
    private final ApprovalConfig approvalConfig;
    private final PeopleConfig peopleConfig;

    SlackNotifier(SlackChannelConfig config, SlackApi slack, PostedMessages posted, ApprovalService approvals,
            ApprovalConfig approvalConfig, PeopleConfig peopleConfig) {
        this.config = config;
        this.slack = slack;
        this.posted = posted;
        this.approvals = approvals;
        this.approvalConfig = approvalConfig;
        this.peopleConfig = peopleConfig;
    }

    void announce(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        if (config.botToken().filter(t -> !t.isBlank()).isEmpty() || config.signingSecret().filter(s -> !s.isBlank()).isEmpty()) {
            throw new IllegalStateException("countersign.slack.enabled is true: countersign.slack.bot-token and "
                    + "countersign.slack.signing-secret must be set");
        }
        LOG.infof("Slack: requests go to %s (default channel: %s)", config.channels(), config.defaultChannel().orElse("none"));
        if (peopleConfig.file().isEmpty()) {
            LOG.warn("Slack: no countersign.people.file, so no click in Slack will count as anyone's vote");
        }
    }

    void on(@ObservesAsync ApprovalNotice notice) {
        if (!config.enabled()) {
            return;
        }
        String id = notice.view().id();
        synchronized (LOCKS[Math.floorMod(id.hashCode(), LOCKS.length)]) {
            try {
                sync(id, ApprovalNotice.REQUESTED.equals(notice.type()));
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("Slack: request %s not shown as it stands (%s): %s", id, notice.type(), e.toString());
            }
        }
    }

    private void sync(String id, boolean requested) throws SQLException {
        Optional<ApprovalView> current = approvals.view(id, null, true);
        if (current.isEmpty()) {
            return;
        }
        ApprovalView view = current.get();
        List<LayoutBlock> blocks = ApprovalMessage.blocks(view, approvalConfig.inboxLink(id), Instant.now());
        String text = ApprovalMessage.summaryText(view);
        List<PostedMessages.Posted> messages = posted.of(id);
        List<PostedMessages.Posted> fresh = new ArrayList<>();
        if (requested && messages.isEmpty()) {
            for (String channel : channels(view)) {
                Optional<String> ts = slack.post(channel, text, blocks, null);
                if (ts.isPresent()) {
                    PostedMessages.Posted message = new PostedMessages.Posted(id, channel, ts.get(), false);
                    posted.add(message);
                    fresh.add(message);
                }
            }
            messages = fresh;
        }
        for (PostedMessages.Posted message : messages) {
            if (!fresh.contains(message)) {
                slack.update(message.channel(), message.ts(), text, blocks);
            }
            if (view.status() != ApprovalStatus.PENDING && !message.outcomePosted()
                    && slack.post(message.channel(), ApprovalMessage.outcome(view), null, message.ts()).isPresent()) {
                posted.outcomePosted(message);
            }
        }
    }

    /** The channels of the request's approver groups, or the default channel when none of them has one. */
    private Set<String> channels(ApprovalView view) {
        Set<String> channels = new LinkedHashSet<>();
        for (String group : view.approverGroups()) {
            String channel = config.channels().get(group);
            if (channel != null) {
                channels.add(channel);
            }
        }
        if (channels.isEmpty()) {
            config.defaultChannel().ifPresentOrElse(channels::add, () -> LOG.warnf(
                    "Slack: request %s not posted: no channel for its groups %s and no countersign.slack.default-channel",
                    view.id(), view.approverGroups()));
        }
        return channels;
    }
}

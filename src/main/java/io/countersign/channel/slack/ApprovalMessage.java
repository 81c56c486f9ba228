package io.countersign.channel.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.asBlocks;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.view.View;

import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.ApprovalSummary;
import io.countersign.approval.ApprovalView;
import io.countersign.approval.VoteRecord;

/**
 * The Block Kit of an approval request: the context an approver needs, the Approve and Deny buttons while
 * it is pending, and once decided the outcome with who decided and when in their place. Every text that
 * came with the request is escaped ({@code &}, {@code <}, {@code >}) and sent verbatim, so a reason or a
 * resource id can neither link nor mention anyone; only an artifact's http(s) link is shown as a link.
 */
final class ApprovalMessage {
    static final String APPROVE = "approve";
    static final String DENY = "deny";
    static final String DENY_CALLBACK = "countersign_deny";
    static final String COMMENT_BLOCK = "comment";
    static final String COMMENT_ACTION = "comment";

    /** Characters of request text per field: escaped, even all {@code &}, it stays within Slack's 2,000. */
    private static final int FIELD = 300;
    private static final int MAX_RULES = 10;

    private ApprovalMessage() {
    }

    /** The message for the request as it stands: with buttons while pending, with the outcome after. */
    static List<LayoutBlock> blocks(ApprovalView view, String inboxLink, Instant now) {
        ApprovalSummary s = ApprovalSummary.of(view);
        List<LayoutBlock> blocks = new ArrayList<>();
        String headline = (s.status() == ApprovalStatus.PENDING ? "Approval needed" : outcomeWord(view)) + ": " + s.action();
        blocks.add(header(h -> h.text(plainText(clip(headline, 140), true))));
        blocks.add(section(sec -> sec.fields(fields(s, now))));
        if (s.artifact() != null) {
            blocks.add(section(sec -> sec.text(mrkdwn(artifact(s.artifact())))));
        }
        for (ApprovalSummary.Rule rule : s.rules().subList(0, Math.min(MAX_RULES, s.rules().size()))) {
            blocks.add(section(sec -> sec.text(mrkdwn("*" + text(rule.rule(), 150) + "*  " + text(rule.message(), FIELD)
                    + "\n_Controls:_ " + text(String.join(", ", rule.controls()), FIELD)))));
        }
        if (s.rules().size() > MAX_RULES) {
            blocks.add(context(c -> c.elements(List.of(mrkdwn("and " + (s.rules().size() - MAX_RULES) + " more rules")))));
        }
        if (s.status() == ApprovalStatus.PENDING) {
            blocks.add(actions(a -> a.blockId("countersign_vote").elements(List.of(
                    button(b -> b.actionId(APPROVE).text(plainText("Approve")).style("primary").value(s.id())),
                    button(b -> b.actionId(DENY).text(plainText("Deny")).style("danger").value(s.id()))))));
        } else {
            blocks.add(section(sec -> sec.text(mrkdwn(outcome(view)))));
        }
        blocks.add(context(c -> c.elements(List.of(mrkdwn("Decision " + text(view.decisionId(), 64) + " · request "
                + text(s.id(), 64) + " · <" + escape(inboxLink) + "|Open in the web inbox>")))));
        return blocks;
    }

    /** The notification text (shown where blocks are not, e.g. in push notifications). */
    static String summaryText(ApprovalView view) {
        ApprovalSummary s = ApprovalSummary.of(view);
        return (s.status() == ApprovalStatus.PENDING ? "Approval needed" : outcomeWord(view)) + ": " + text(s.action(), 100)
                + " on " + text(s.resourceType(), 100) + " " + text(s.resourceId(), FIELD) + ", asked by "
                + text(s.requester(), 100);
    }

    /** Who decided and when, in a line: the message's last section once decided, and the thread reply. */
    static String outcome(ApprovalView view) {
        ApprovalSummary s = ApprovalSummary.of(view);
        String approvers = voters(s, VoteRecord.Vote.APPROVE);
        String decided = date(s.decidedAt());
        return switch (view.status()) {
            case APPROVED -> "*" + outcomeWord(view) + "* by " + approvers + " at " + decided
                    + ". The requester may now go ahead, once, until " + date(instant(view.useBy())) + ".";
            case CONSUMED -> "*Approved* by " + approvers + " at " + decided + ", used at " + date(instant(view.consumedAt())) + ".";
            case DENIED -> "*Denied* by " + voters(s, VoteRecord.Vote.DENY) + " at " + decided + ": "
                    + s.votes().stream().filter(v -> v.vote() == VoteRecord.Vote.DENY).map(v -> text(v.comment(), FIELD))
                            .collect(Collectors.joining("; "));
            case EXPIRED -> view.useBy() != null
                    ? "*Expired unused*: approved by " + approvers + " at " + decided + ", not used by " + date(instant(view.useBy())) + "."
                    : "*Expired* at " + date(s.expiresAt()) + " without a decision.";
            case CANCELLED -> "*Cancelled* by the requester at " + decided + ".";
            case PENDING -> "Pending.";
        };
    }

    /** The modal a Deny click opens: one required comment, the request's id kept in {@code private_metadata}. */
    static View denyModal(ApprovalView view) {
        ApprovalSummary s = ApprovalSummary.of(view);
        return view(v -> v.type("modal").callbackId(DENY_CALLBACK).privateMetadata(s.id())
                .title(viewTitle(t -> t.type("plain_text").text("Deny request")))
                .submit(viewSubmit(t -> t.type("plain_text").text("Deny")))
                .close(viewClose(t -> t.type("plain_text").text("Cancel")))
                .blocks(asBlocks(
                        section(sec -> sec.text(mrkdwn("Deny *" + text(s.action(), 100) + "* on " + text(s.resourceType(), 100)
                                + " " + text(s.resourceId(), FIELD) + ", asked by " + text(s.requester(), 100) + "?"))),
                        input(i -> i.blockId(COMMENT_BLOCK).label(plainText("Why do you deny it?"))
                                .element(plainTextInput(p -> p.actionId(COMMENT_ACTION).multiline(true).maxLength(2000)))))));
    }

    /** {@code &}, {@code <} and {@code >} as Slack's mrkdwn wants them escaped: no link, mention or command can form. */
    static String escape(String raw) {
        return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Request text for a field: one line, at most {@code max} characters, escaped; a dash when absent. */
    static String text(String raw, int max) {
        if (raw == null || raw.isBlank()) {
            return "—";
        }
        return escape(clip(raw.strip().replaceAll("\\s+", " "), max));
    }

    private static List<TextObject> fields(ApprovalSummary s, Instant now) {
        String needs = s.quorum() + (s.approverGroups().size() > 1 && "EACH".equals(s.groupMode()) ? " from each of " : " from ")
                + text(String.join(", ", s.approverGroups()), 200);
        String votes = s.votes().isEmpty() ? "none yet"
                : s.votes().stream().map(v -> text(v.voter(), 100) + " " + (v.vote() == VoteRecord.Vote.APPROVE ? "approved" : "denied"))
                        .collect(Collectors.joining(", "));
        String expiry = s.status() == ApprovalStatus.PENDING
                ? "in " + ApprovalSummary.describe(s.timeLeft(now)) + " (" + date(s.expiresAt()) + ")"
                : date(s.expiresAt());
        return List.of(
                field("Requester", text(s.requester(), 150) + " (" + text(s.requesterType(), 20) + ")"),
                field("On behalf of", text(s.onBehalfOf(), 150)),
                field("Action", text(s.action(), 150)),
                field("Resource", text(s.resourceType(), 100) + " " + text(s.resourceId(), FIELD)),
                field("Environment", text(s.environment(), 100)),
                field("Classification", text(s.classification(), 100)),
                field("Reason", text(s.reason(), FIELD)),
                field("Ticket", text(s.ticket(), 150)),
                field("Expires", expiry),
                field("Votes (" + s.approvals() + " of " + needs + ")", votes.length() > 1900 ? votes.substring(0, 1900) + "…" : votes));
    }

    private static String artifact(ApprovalSummary.Artifact a) {
        StringBuilder out = new StringBuilder("*Artifact* (").append(text(a.type(), 100)).append("): ").append(text(a.summary(), FIELD));
        if (a.digest() != null) {
            out.append("\nDigest: ").append(text(a.digest(), 150));
        }
        if (ApprovalSummary.linkable(a.link()) && a.link().length() <= 1000 && a.link().chars().noneMatch(c -> c <= ' ')) {
            out.append("\n<").append(escape(a.link()).replace("|", "%7C")).append("|Open the artifact>");
        } else if (a.link() != null) {
            out.append("\nLink (not opened from here): ").append(text(a.link(), FIELD));
        }
        return out.toString();
    }

    private static String outcomeWord(ApprovalView view) {
        return switch (view.status()) {
            case APPROVED -> view.breakGlass() ? "Approved (break-glass)" : "Approved";
            case CONSUMED -> "Approved and used";
            case DENIED -> "Denied";
            case EXPIRED -> "Expired";
            case CANCELLED -> "Cancelled";
            case PENDING -> "Pending";
        };
    }

    private static String voters(ApprovalSummary s, VoteRecord.Vote vote) {
        String names = s.votes().stream().filter(v -> v.vote() == vote).map(v -> text(v.voter(), 100)).collect(Collectors.joining(", "));
        return names.isEmpty() ? "—" : names;
    }

    /** A time Slack shows in each reader's time zone, with the UTC instant where it cannot. */
    private static String date(Instant at) {
        if (at == null) {
            return "—";
        }
        return "<!date^" + at.getEpochSecond() + "^{date_short_pretty} {time}|" + at + ">";
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static TextObject field(String title, String value) {
        return mrkdwn("*" + title + "*\n" + value);
    }

    /** Verbatim: Slack does not turn URLs, channel names or @words in it into links or mentions. */
    private static MarkdownTextObject mrkdwn(String text) {
        return MarkdownTextObject.builder().text(text).verbatim(true).build();
    }

    private static String clip(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max)) + "…";
    }
}

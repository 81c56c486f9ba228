package io.countersign.channel.teams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.ApprovalSummary;
import io.countersign.approval.ApprovalView;
import io.countersign.approval.VoteRecord;

/**
 * The Adaptive Cards (schema 1.5) both Teams modes send: a request card with the context an approver
 * needs, and an outcome card. Everything that comes from a request or a person (reason, ids, comments,
 * names) is a {@code TextRun}, which no host renders as markdown, so no request can plant a link or
 * formatting in a card; the only links are the inbox and an http(s) artifact link, as {@code Action.OpenUrl}.
 */
public final class AdaptiveCards {
    public static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    static final String SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
    static final String VERSION = "1.5";
    public static final String VERB_APPROVE = "approve";
    public static final String VERB_DENY = "deny";
    /** The id of the comment input; its value arrives merged into the action's {@code data}. */
    public static final String COMMENT_INPUT = "comment";

    /** How an approver acts on a request card. */
    public enum Buttons {
        /** "Review in Countersign" only: the Workflows webhook cannot receive a click. */
        INBOX_LINK,
        /** Approve and Deny as {@code Action.Execute}, a comment box, and the inbox link: the bot receives the click. */
        EXECUTE
    }

    private AdaptiveCards() {
    }

    /**
     * The request as it stands at {@code now}: context, rules, deadline and votes; while pending, the
     * {@code buttons}; once decided, the outcome and no buttons. {@code notice}, when given, is shown first
     * (a vote that was not counted, and why).
     */
    public static Map<String, Object> request(ApprovalSummary s, Buttons buttons, String inboxLink, Instant now, String notice) {
        boolean pending = s.status() == ApprovalStatus.PENDING && !s.timeLeft(now).isZero();
        List<Object> body = new ArrayList<>();
        body.add(heading(pending ? "Approval needed" : headline(s.status()), pending ? "Accent" : colour(s.status())));
        if (notice != null) {
            body.add(container("attention", List.of(plain(null, notice))));
        }
        body.addAll(context(s));
        body.add(heading("Rules that asked", "Default"));
        for (ApprovalSummary.Rule rule : s.rules()) {
            body.add(plain(rule.rule(), rule.message()));
            if (!rule.controls().isEmpty()) {
                body.add(plain("Controls", String.join(", ", rule.controls())));
            }
        }
        body.add(plain("Approvers", approvers(s)));
        if (pending) {
            body.add(plain("Expires", "in " + ApprovalSummary.describe(s.timeLeft(now)) + " (" + s.expiresAt() + ")"));
        } else if (s.decidedAt() != null) {
            body.add(plain("Decided", s.decidedAt().toString()));
        }
        body.addAll(votes(s));

        List<Object> actions = new ArrayList<>();
        if (pending) {
            if (buttons == Buttons.EXECUTE) {
                body.add(map("type", "Input.Text", "id", COMMENT_INPUT, "isMultiline", true, "maxLength", 2000,
                        "label", "Comment", "placeholder", "Why (required to deny)"));
                actions.add(execute("Approve", VERB_APPROVE, s.id(), "positive"));
                actions.add(execute("Deny", VERB_DENY, s.id(), "destructive"));
            }
            actions.add(openUrl("Review in Countersign", inboxLink));
            if (s.artifact() != null && ApprovalSummary.linkable(s.artifact().link())) {
                actions.add(openUrl("Open artifact", s.artifact().link()));
            }
        }
        return card(body, actions);
    }

    /** The outcome of a decided request: who decided, when, the outcome and the comment. */
    public static Map<String, Object> outcome(ApprovalSummary s) {
        List<Object> body = new ArrayList<>();
        body.add(heading(headline(s.status()), colour(s.status())));
        body.add(plain("Action", s.action()));
        body.add(plain("Resource", resource(s)));
        body.add(plain("Requester", requester(s)));
        if (s.onBehalfOf() != null) {
            body.add(plain("On behalf of", s.onBehalfOf()));
        }
        body.add(plain("Outcome", s.status().name()));
        body.add(plain("Decided by", decidedBy(s)));
        body.add(plain("When", s.decidedAt() != null ? s.decidedAt().toString() : s.expiresAt() == null ? null : s.expiresAt().toString()));
        List<String> comments = s.votes().stream().filter(v -> v.comment() != null && !v.comment().isBlank())
                .map(v -> v.voter() + ": " + v.comment()).toList();
        if (!comments.isEmpty()) {
            body.add(plain("Comment", String.join("\n", comments)));
        }
        body.add(plain("Request", s.id()));
        return card(body, List.of());
    }

    /** A card that says only {@code notice}: the answer when no request can be shown. */
    public static Map<String, Object> notice(String notice) {
        return card(List.of(heading("Countersign", "Default"), container("attention", List.of(plain(null, notice)))), List.of());
    }

    /** A Bot Framework / Workflows message carrying {@code card}. */
    public static Map<String, Object> message(Map<String, Object> card) {
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", CONTENT_TYPE);
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("attachments", List.of(attachment));
        return message;
    }

    private static List<Object> context(ApprovalSummary s) {
        List<Object> facts = new ArrayList<>();
        facts.add(plain("Requester", requester(s)));
        facts.add(plain("On behalf of", s.onBehalfOf()));
        facts.add(plain("Action", s.action()));
        facts.add(plain("Resource", resource(s)));
        facts.add(plain("Environment", s.environment()));
        facts.add(plain("Classification", s.classification()));
        facts.add(plain("Reason", s.reason()));
        facts.add(plain("Ticket", s.ticket()));
        ApprovalSummary.Artifact a = s.artifact();
        if (a != null) {
            facts.add(plain("Artifact", join(" ", a.type(), a.digest())));
            facts.add(plain("Artifact summary", a.summary()));
            if (a.link() != null && !ApprovalSummary.linkable(a.link())) {
                facts.add(plain("Artifact link (not a web link, not opened)", a.link()));
            }
        }
        return facts;
    }

    private static List<Object> votes(ApprovalSummary s) {
        List<Object> lines = new ArrayList<>();
        lines.add(plain("Votes", s.approvals() + " of " + s.quorum() + " approvals"));
        for (ApprovalView.VoteView v : s.votes()) {
            String what = (v.vote() == VoteRecord.Vote.APPROVE ? "approved" : "denied") + " via " + v.channel() + " at " + v.at()
                    + (v.breakGlass() ? " (break-glass)" : "");
            lines.add(plain(v.voter(), v.comment() == null || v.comment().isBlank() ? what : what + ": " + v.comment()));
        }
        return lines;
    }

    private static String decidedBy(ApprovalSummary s) {
        return switch (s.status()) {
            case APPROVED, CONSUMED -> s.votes().stream().filter(v -> v.vote() == VoteRecord.Vote.APPROVE)
                    .map(ApprovalView.VoteView::voter).collect(Collectors.joining(", "));
            case DENIED -> s.votes().stream().filter(v -> v.vote() == VoteRecord.Vote.DENY)
                    .map(ApprovalView.VoteView::voter).collect(Collectors.joining(", "));
            case EXPIRED -> "no one: the deadline passed";
            case CANCELLED -> "the requester, who cancelled it";
            case PENDING -> "not decided yet";
        };
    }

    private static String approvers(ApprovalSummary s) {
        String mode = "EACH".equals(s.groupMode()) && s.approverGroups().size() > 1 ? "each of " : "any of ";
        return mode + String.join(", ", s.approverGroups()) + "; " + s.quorum() + (s.quorum() == 1 ? " approval" : " approvals")
                + " needed";
    }

    private static String requester(ApprovalSummary s) {
        return s.requesterType() == null ? s.requester() : s.requester() + " (" + s.requesterType() + ")";
    }

    private static String resource(ApprovalSummary s) {
        return join(" ", s.resourceType(), s.resourceId());
    }

    private static String headline(ApprovalStatus status) {
        return switch (status) {
            case PENDING -> "Approval needed";
            case APPROVED -> "Approved";
            case CONSUMED -> "Approved and used";
            case DENIED -> "Denied";
            case EXPIRED -> "Expired";
            case CANCELLED -> "Cancelled";
        };
    }

    private static String colour(ApprovalStatus status) {
        return switch (status) {
            case APPROVED, CONSUMED -> "Good";
            case DENIED -> "Attention";
            default -> "Warning";
        };
    }

    private static Map<String, Object> card(List<Object> body, List<Object> actions) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("type", "AdaptiveCard");
        card.put("$schema", SCHEMA);
        card.put("version", VERSION);
        card.put("body", body.stream().filter(Objects::nonNull).toList());
        if (!actions.isEmpty()) {
            card.put("actions", actions);
        }
        return card;
    }

    /** A heading of fixed text (never request text: a TextBlock is markdown to Teams). */
    private static Map<String, Object> heading(String text, String color) {
        return map("type", "TextBlock", "text", text, "weight", "Bolder", "size", "Medium", "color", color, "wrap", true);
    }

    /** {@code label: value} as plain text runs; {@code null} when there is no value. */
    private static Map<String, Object> plain(String label, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        List<Object> runs = new ArrayList<>();
        if (label != null) {
            runs.add(map("type", "TextRun", "text", label + ": ", "weight", "Bolder"));
        }
        runs.add(map("type", "TextRun", "text", value));
        return map("type", "RichTextBlock", "inlines", runs);
    }

    private static Map<String, Object> container(String style, List<Object> items) {
        return map("type", "Container", "style", style, "items", items);
    }

    private static Map<String, Object> execute(String title, String verb, String approvalId, String style) {
        return map("type", "Action.Execute", "title", title, "verb", verb, "data", map("approvalId", approvalId),
                "associatedInputs", "auto", "style", style);
    }

    private static Map<String, Object> openUrl(String title, String url) {
        return map("type", "Action.OpenUrl", "title", title, "url", url);
    }

    private static String join(String separator, String... parts) {
        String joined = Arrays.stream(parts).filter(p -> p != null && !p.isBlank()).collect(Collectors.joining(separator));
        return joined.isEmpty() ? null : joined;
    }

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}

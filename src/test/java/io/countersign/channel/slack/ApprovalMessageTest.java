package io.countersign.channel.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;

import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.ApprovalView;
import io.countersign.approval.ApprovalView.VoteView;
import io.countersign.approval.VoteRecord.Vote;

/** What the message says once decided, and how request text is made harmless. */
class ApprovalMessageTest {
    static final String DECIDED = "2026-11-21T10:00:00Z";
    static final String DATE = "<!date^1795255200^{date_short_pretty} {time}|2026-11-21T10:00:00Z>";

    static ApprovalView view(ApprovalStatus status, boolean breakGlass, String useBy, List<VoteView> votes,
            Map<String, Object> artifact) {
        Map<String, Object> request = Map.of("action", "iam.role.assign", "caller", Map.of("id", "bot", "type", "agent"),
                "resource", Map.of("type", "iam-role", "id", "admin"), "context", Map.of("reason", "why", "artifact", artifact));
        return new ApprovalView("a-1", status, "d-1", request, List.of("security"), "ANY", 2, breakGlass,
                "2026-11-21T09:00:00Z", "2026-11-21T11:00:00Z", status == ApprovalStatus.PENDING ? null : DECIDED, useBy, null,
                null, votes);
    }

    static VoteView vote(String voter, Vote vote, String comment) {
        return new VoteView(voter, vote, comment, "slack", List.of("security"), false, DECIDED);
    }

    static Stream<Arguments> outcomes() {
        List<VoteView> approvals = List.of(vote("sec-1@example.com", Vote.APPROVE, null), vote("sec-2@example.com", Vote.APPROVE, null));
        return Stream.of(
                Arguments.of("approved: the approvers, when, and until when it may be used",
                        view(ApprovalStatus.APPROVED, false, "2026-11-21T11:00:00Z", approvals, Map.of()),
                        "*Approved* by sec-1@example.com, sec-2@example.com at " + DATE),
                Arguments.of("break-glass is said",
                        view(ApprovalStatus.APPROVED, true, "2026-11-21T11:00:00Z", approvals.subList(0, 1), Map.of()),
                        "*Approved (break-glass)* by sec-1@example.com at " + DATE),
                Arguments.of("denied: who, when and the comment, escaped",
                        view(ApprovalStatus.DENIED, false, null, List.of(vote("sec-1@example.com", Vote.DENY, "no <@U1> & <!here>")), Map.of()),
                        "*Denied* by sec-1@example.com at " + DATE + ": no &lt;@U1&gt; &amp; &lt;!here&gt;"),
                Arguments.of("expired while pending",
                        view(ApprovalStatus.EXPIRED, false, null, List.of(), Map.of()),
                        "*Expired* at <!date^1795258800^{date_short_pretty} {time}|2026-11-21T11:00:00Z> without a decision."),
                Arguments.of("approved, then expired unused",
                        view(ApprovalStatus.EXPIRED, false, "2026-11-21T11:00:00Z", approvals, Map.of()),
                        "*Expired unused*: approved by sec-1@example.com, sec-2@example.com at " + DATE),
                Arguments.of("cancelled by the requester",
                        view(ApprovalStatus.CANCELLED, false, null, List.of(), Map.of()),
                        "*Cancelled* by the requester at " + DATE + "."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outcomes")
    void theOutcomeSaysWhoDecidedAndWhen(String note, ApprovalView view, String starts) {
        String outcome = ApprovalMessage.outcome(view);
        assertTrue(outcome.startsWith(starts), outcome);
        String blocks = shown(ApprovalMessage.blocks(view, "https://cs.example/inbox/approvals/a-1", Instant.now()));
        assertFalse(blocks.contains("\"actions\""), "no buttons once decided");
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("absent is a dash", null, 10, "—"),
                Arguments.of("blank is a dash", "  \n ", 10, "—"),
                Arguments.of("mentions, links and commands cannot form", "<@U1> <#C1> <!channel> <http://x|y>", 100,
                        "&lt;@U1&gt; &lt;#C1&gt; &lt;!channel&gt; &lt;http://x|y&gt;"),
                Arguments.of("an entity typed in stays text", "&lt;", 10, "&amp;lt;"),
                Arguments.of("one line: a newline cannot fake a field", "fine\n*Approved* by", 100, "fine *Approved* by"),
                Arguments.of("clipped by characters, not halves of one", "ab😀cd", 3, "ab😀…"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void requestTextIsMadeHarmless(String note, String raw, int max, String shown) {
        assertEquals(shown, ApprovalMessage.text(raw, max));
    }

    /** The blocks as Slack reads them (the SDK's JSON, with its HTML-safe escapes undone). */
    static String shown(List<LayoutBlock> blocks) {
        try {
            return new ObjectMapper().readTree(GsonFactory.createSnakeCase().toJson(blocks)).toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void onlyAnHttpArtifactLinkIsALink() {
        String unsafe = shown(ApprovalMessage.blocks(view(ApprovalStatus.PENDING, false, null, List.of(),
                Map.of("type", "diff", "link", "javascript:alert(1)")), "https://cs.example/i", Instant.now()));
        assertFalse(unsafe.contains("<javascript"), unsafe);
        assertTrue(unsafe.contains("Link (not opened from here): javascript:alert(1)"), unsafe);

        String tricky = shown(ApprovalMessage.blocks(view(ApprovalStatus.PENDING, false, null, List.of(),
                Map.of("type", "diff", "link", "https://git.example/a|b>c")), "https://cs.example/i", Instant.now()));
        assertTrue(tricky.contains("<https://git.example/a%7Cb&gt;c|Open the artifact>"), tricky);
    }
}

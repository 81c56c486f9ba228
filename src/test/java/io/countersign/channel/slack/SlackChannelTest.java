package io.countersign.channel.slack;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.app_backend.SlackSignature;

import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The Slack channel against a local Slack that speaks the real wire format: requests posted with their
 * context, clicks signed as Slack signs them, people resolved by Slack id or confirmed email, votes cast
 * through the approval service, and the message and its thread following the request.
 */
@QuarkusTest
@TestProfile(SlackChannelTest.WithSlack.class)
class SlackChannelTest {
    static final String INTERACTIONS = "/v1/integrations/slack/interactions";
    static final String FORM = "application/x-www-form-urlencoded";
    static final ObjectMapper JSON = new ObjectMapper();

    FakeSlack slack;

    public static class WithSlack implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeSlackResource.class));
        }
    }

    @BeforeEach
    void workspace() {
        slack.user("U0SEC1", "SEC-1@example.com", true);
        slack.user("U0NOBODY", "nobody@example.com", true);
        slack.user("U0UNCONF", "sec-1@example.com", false);
    }

    /** A request that needs two approvers from security; its reason tries to mention, link and command. */
    static String askForApproval() {
        String body = """
                {"action": "iam.role.assign",
                 "resource": {"type": "iam-role", "id": "admin-%s", "environment": "production",
                              "attributes": {"principal": "dana@example.com"}},
                 "onBehalfOf": "olivia@example.com",
                 "context": {"reason": "rotation <!channel> <https://evil.example|click here> & <@U0SEC2>", "ticket": "SEC-77",
                             "artifact": {"type": "diff", "digest": "sha256:abc", "summary": "+admin <b>",
                                          "link": "https://git.example/pr/7"}}}"""
                .formatted(UUID.randomUUID());
        return given().auth().oauth2(TestTokens.agent("iam-bot-" + UUID.randomUUID())).contentType("application/json")
                .body(body).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("REQUIRE_APPROVAL")).extract().path("approval.id");
    }

    @Test
    void theRequestIsPostedToItsGroupsChannelWithTheContextAndButtons() {
        String id = askForApproval();
        FakeSlack.Call post = posted(id);

        assertEquals("Bearer " + FakeSlack.TOKEN, post.authorization());
        assertEquals("C0SECURITY", post.param("channel"));
        String blocks = post.json("blocks").toString();
        for (String wanted : List.of("iam.role.assign", "olivia@example.com", "iam-role", "production", "SEC-77",
                "iam.escalation.for-other", "Controls:", "+admin &lt;b&gt;", "<https://git.example/pr/7|Open the artifact>",
                "0 of 2 from security", "none yet", "http://localhost:8080/inbox/approvals/" + id)) {
            assertTrue(blocks.contains(wanted), () -> wanted + " is missing from " + blocks);
        }
        // request text is escaped and verbatim: no mention, link or @channel can form
        assertTrue(blocks.contains("rotation &lt;!channel&gt; &lt;https://evil.example|click here&gt; &amp; &lt;@U0SEC2&gt;"), blocks);
        assertFalse(blocks.contains("<!channel>") || blocks.contains("<@U0SEC2>") || blocks.contains("<https://evil"), blocks);
        for (JsonNode block : post.json("blocks")) {
            block.findValues("verbatim").forEach(v -> assertTrue(v.asBoolean(), "every mrkdwn text is verbatim"));
        }

        JsonNode buttons = actions(post.json("blocks"));
        assertEquals("approve", buttons.get(0).path("action_id").asText());
        assertEquals("primary", buttons.get(0).path("style").asText());
        assertEquals(id, buttons.get(0).path("value").asText());
        assertEquals("deny", buttons.get(1).path("action_id").asText());
        assertEquals("danger", buttons.get(1).path("style").asText());
        assertEquals(id, buttons.get(1).path("value").asText());
    }

    @Test
    void votesBySlackIdAndByConfirmedEmailCountAndTheMessageFollows() {
        String id = askForApproval();
        FakeSlack.Call post = posted(id);

        // sec-2 is listed in the people file by Slack user id
        click("U0SEC2", "approve", id, post).then().statusCode(200).body(emptyString());
        until("the first vote", () -> votes(id).size() == 1);
        auditor(id).body("status", equalTo("PENDING")).body("votes[0].voter", equalTo("sec-2@example.com"))
                .body("votes[0].channel", equalTo("slack"));
        until("the message shows the vote", () -> slack.find("chat.update",
                c -> c.param("ts").equals(post.ts()) && c.json("blocks").toString().contains("1 of 2")).isPresent());

        // U0SEC1 is not listed by id: users.info says their confirmed email is sec-1@example.com
        click("U0SEC1", "approve", id, post).then().statusCode(200);
        until("approval", () -> "APPROVED".equals(status(id)));
        auditor(id).body("votes.voter", equalTo(List.of("sec-2@example.com", "sec-1@example.com")));
        assertTrue(slack.find("users.info", c -> "U0SEC1".equals(c.param("user"))).isPresent());

        FakeSlack.Call decided = await("the buttons replaced", () -> slack.find("chat.update",
                c -> c.param("ts").equals(post.ts()) && c.json("blocks").toString().contains("*Approved* by")));
        assertTrue(actions(decided.json("blocks")).isMissingNode(), "no buttons once decided");
        String shown = decided.json("blocks").toString();
        assertTrue(shown.contains("sec-2@example.com, sec-1@example.com"), shown);
        assertTrue(shown.contains("<!date^"), "when, in each reader's time zone");
        FakeSlack.Call thread = await("the outcome in the thread", () -> slack.find("chat.postMessage",
                c -> post.ts().equals(c.param("thread_ts"))));
        assertEquals("C0SECURITY", thread.param("channel"));
        assertTrue(thread.param("text").startsWith("*Approved* by sec-2@example.com, sec-1@example.com"), thread.param("text"));
    }

    @Test
    void denyOpensAModalWhoseSubmissionDenies() {
        String id = askForApproval();
        FakeSlack.Call post = posted(id);

        click("U0SEC2", "deny", id, post).then().statusCode(200);
        FakeSlack.Call open = await("the deny modal", () -> slack.find("views.open",
                c -> c.json("view").path("private_metadata").asText().equals(id)));
        JsonNode view = open.json("view");
        assertEquals("modal", view.path("type").asText());
        assertEquals("countersign_deny", view.path("callback_id").asText());
        assertTrue(open.param("trigger_id").startsWith("trigger-"));
        JsonNode input = view.path("blocks").get(1);
        assertEquals("input", input.path("type").asText());
        assertEquals("comment", input.path("block_id").asText());
        assertTrue(input.path("element").path("multiline").asBoolean());

        // a blank comment keeps the modal open with an error under the comment
        submitDeny("U0SEC2", view, "   ").then().statusCode(200)
                .body("response_action", equalTo("errors")).body("errors.comment", containsString("why"));
        assertTrue(votes(id).isEmpty());

        submitDeny("U0SEC2", view, "not during the freeze").then().statusCode(200).body(emptyString());
        until("the denial", () -> "DENIED".equals(status(id)));
        auditor(id).body("votes[0].vote", equalTo("DENY"))
                .body("votes[0].comment", equalTo("not during the freeze")).body("votes[0].channel", equalTo("slack"));
        await("the outcome in the thread", () -> slack.find("chat.postMessage",
                c -> post.ts().equals(c.param("thread_ts")) && c.param("text").contains("*Denied* by sec-2@example.com")));
    }

    @Test
    void forgedStaleFutureAndReplayedRequestsAreRefused() {
        String id = askForApproval();
        FakeSlack.Call post = posted(id);
        String body = form(blockAction("U0SEC1", "approve", id, post));
        long now = Instant.now().getEpochSecond();

        send(body, String.valueOf(now), "v0=" + "0".repeat(64)).then().statusCode(401).body("code", equalTo("unauthorized"));
        send(body, String.valueOf(now), sign(String.valueOf(now), body + " ")).then().statusCode(401);
        // five minutes is the window (countersign.slack.max-clock-skew); 30 s past it either way is refused
        send(body, String.valueOf(now - 330), sign(String.valueOf(now - 330), body)).then().statusCode(401)
                .body("detail", containsString("old"));
        send(body, String.valueOf(now + 330), sign(String.valueOf(now + 330), body)).then().statusCode(401)
                .body("detail", containsString("future"));
        asSlack().body(body).post(INTERACTIONS).then().statusCode(401);
        assertTrue(votes(id).isEmpty());

        // four minutes old, still within the window
        String ts = String.valueOf(now - 240);
        String signature = sign(ts, body);
        send(body, ts, signature).then().statusCode(200);
        until("the vote", () -> votes(id).size() == 1);
        send(body, ts, signature).then().statusCode(401).body("detail", containsString("received already"));
        assertEquals(1, votes(id).size());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("self-approval: U0OLIVIA is olivia@example.com, in security, and the request acts for her",
                        "U0OLIVIA", "approve", "self_approval"),
                Arguments.of("a confirmed email no one in the people file has", "U0NOBODY", "approve",
                        "no one in Countersign's people file has your Slack email nobody@example.com"),
                Arguments.of("an unconfirmed email, though it is a listed person's", "U0UNCONF", "approve", "is not confirmed"),
                Arguments.of("a user Slack does not know (users.info fails)", "U0GHOST", "approve", "could not look up your Slack profile"),
                Arguments.of("deny by an unmapped user opens no modal", "U0NOBODY", "deny", "no one in Countersign's people file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void clicksThatCannotCountAreToldToTheUserAlone(String note, String userId, String actionId, String why) {
        String id = askForApproval();
        FakeSlack.Call told = refused(userId, actionId, id);
        assertEquals("ephemeral", told.param("response_type"));
        assertEquals("false", told.param("replace_original"));
        assertTrue(told.param("text").contains(why), told.param("text"));
        assertTrue(votes(id).isEmpty());
        assertTrue(slack.find("views.open", c -> c.json("view").path("private_metadata").asText().equals(id)).isEmpty());
    }

    @Test
    void aFailedSlackCallIsCounted() {
        refused("U0GHOST", "approve", askForApproval());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("countersign_slack_errors_total{method=\"users.info\"}"));
    }

    /** Clicks as {@code userId} and gives back what the user alone was told. */
    FakeSlack.Call refused(String userId, String actionId, String approvalId) {
        ObjectNode click = blockAction(userId, actionId, approvalId, posted(approvalId));
        sendSigned(form(click)).then().statusCode(200).body(emptyString());
        String url = click.path("response_url").asText();
        return await("the message to the user", () -> slack.find("response_url", c -> url.endsWith(c.path())));
    }

    @Test
    void aBodyWithoutPayloadIsABadRequestNamingTheField() {
        sendSigned("token=x&type=block_actions").then().statusCode(400).body("field", equalTo("payload"));
    }

    // ---- as Slack sends them

    /** A {@code block_actions} payload for a click on the message's button, shaped as Slack sends it. */
    ObjectNode blockAction(String userId, String actionId, String approvalId, FakeSlack.Call message) {
        ObjectNode payload = JSON.createObjectNode().put("type", "block_actions");
        payload.putObject("user").put("id", userId).put("username", userId.toLowerCase()).put("name", userId.toLowerCase())
                .put("team_id", FakeSlack.TEAM);
        payload.put("api_app_id", "A0APP").put("token", "legacy-verification-token");
        payload.putObject("container").put("type", "message").put("message_ts", message.ts())
                .put("channel_id", message.param("channel")).put("is_ephemeral", false);
        payload.put("trigger_id", "trigger-" + UUID.randomUUID());
        payload.putObject("team").put("id", FakeSlack.TEAM).put("domain", "example");
        payload.putNull("enterprise");
        payload.put("is_enterprise_install", false);
        payload.putObject("channel").put("id", message.param("channel")).put("name", "security-approvals");
        ObjectNode shown = payload.putObject("message").put("type", "message").put("ts", message.ts())
                .put("bot_id", "B0FAKE").put("text", message.param("text"));
        shown.set("blocks", message.json("blocks"));
        payload.putObject("state").putObject("values");
        payload.put("response_url", slack.responseUrl());
        ObjectNode action = payload.putArray("actions").addObject().put("action_id", actionId).put("block_id", "countersign_vote");
        action.putObject("text").put("type", "plain_text").put("text", actionId.equals("approve") ? "Approve" : "Deny").put("emoji", true);
        action.put("value", approvalId).put("style", actionId.equals("approve") ? "primary" : "danger").put("type", "button")
                .put("action_ts", Instant.now().getEpochSecond() + ".123456");
        return payload;
    }

    /** A {@code view_submission} of the modal Slack opened, with {@code comment} typed in. */
    Response submitDeny(String userId, JsonNode opened, String comment) {
        ObjectNode payload = JSON.createObjectNode().put("type", "view_submission");
        payload.putObject("team").put("id", FakeSlack.TEAM).put("domain", "example");
        payload.putObject("user").put("id", userId).put("username", userId.toLowerCase()).put("name", userId.toLowerCase())
                .put("team_id", FakeSlack.TEAM);
        payload.put("api_app_id", "A0APP").put("token", "legacy-verification-token").put("trigger_id", "trigger-" + UUID.randomUUID());
        ObjectNode view = payload.putObject("view").put("id", "V0" + UUID.randomUUID().toString().substring(0, 8))
                .put("team_id", FakeSlack.TEAM).put("type", "modal")
                .put("private_metadata", opened.path("private_metadata").asText())
                .put("callback_id", opened.path("callback_id").asText()).put("hash", "1700000000.abcdef")
                .put("app_id", "A0APP").put("bot_id", "B0FAKE");
        view.set("blocks", opened.path("blocks"));
        view.set("title", opened.path("title"));
        view.putObject("state").putObject("values").putObject("comment").putObject("comment")
                .put("type", "plain_text_input").put("value", comment);
        payload.putArray("response_urls");
        payload.put("is_enterprise_install", false);
        payload.putNull("enterprise");
        return sendSigned(form(payload));
    }

    static String form(JsonNode payload) {
        return "payload=" + URLEncoder.encode(payload.toString(), StandardCharsets.UTF_8);
    }

    /** Signed with the SDK's own generator, so the service's verification is checked against Slack's reference code. */
    static String sign(String timestamp, String body) {
        return new SlackSignature.Generator(FakeSlack.SIGNING_SECRET).generate(timestamp, body);
    }

    static Response sendSigned(String body) {
        String ts = String.valueOf(Instant.now().getEpochSecond());
        return send(body, ts, sign(ts, body));
    }

    static Response send(String body, String timestamp, String signature) {
        return asSlack().header("X-Slack-Request-Timestamp", timestamp).header("X-Slack-Signature", signature).body(body)
                .post(INTERACTIONS);
    }

    /** The body exactly as given, with Slack's {@code Content-Type: application/x-www-form-urlencoded} and no charset added. */
    static RequestSpecification asSlack() {
        return given().config(RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs(FORM, ContentType.TEXT).appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .contentType(FORM);
    }

    Response click(String userId, String actionId, String approvalId, FakeSlack.Call message) {
        return sendSigned(form(blockAction(userId, actionId, approvalId, message)));
    }

    // ---- what happened

    FakeSlack.Call posted(String approvalId) {
        return await("the request's message", () -> slack.find("chat.postMessage",
                c -> c.param("thread_ts") == null && c.param("blocks") != null && c.json("blocks").toString().contains("request " + approvalId)));
    }

    static JsonNode actions(JsonNode blocks) {
        for (JsonNode block : blocks) {
            if ("actions".equals(block.path("type").asText())) {
                return block.path("elements");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static io.restassured.response.ValidatableResponse auditor(String id) {
        return given().auth().oauth2(TestTokens.auditor()).get("/v1/approvals/" + id).then().statusCode(200);
    }

    static List<Object> votes(String id) {
        return auditor(id).extract().path("votes");
    }

    static String status(String id) {
        return auditor(id).extract().path("status");
    }

    static void until(String what, Supplier<Boolean> done) {
        await(what, () -> done.get() ? Optional.of(true) : Optional.<Boolean> empty());
    }

    /** Slack's side runs after the answer: wait for it (a deadline only against hanging, never a timing assertion). */
    static <T> T await(String what, Supplier<Optional<T>> found) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<T> value = found.get();
            if (value.isPresent()) {
                return value.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("no " + what);
    }
}

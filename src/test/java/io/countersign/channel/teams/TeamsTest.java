package io.countersign.channel.teams;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

/**
 * Teams end to end against {@link FakeTeams}: cards posted to the Workflows webhook and to the bot's
 * conversation, Approve / Deny clicks arriving as Bot Framework invokes with tokens signed by the fake's
 * key, every way a token can be wrong, and the outcome reaching both channels.
 */
@QuarkusTest
@TestProfile(TeamsTest.Teams.class)
class TeamsTest {
    static final String ENDPOINT = "/v1/integrations/teams/messages";
    static final String PUBLIC_URL = "https://countersign.example.com";
    static final String SEC_2 = "6f1c2a9e-0000-4000-8000-00000000a002";
    static final String OLIVIA = "6f1c2a9e-0000-4000-8000-0000000000b1";
    static final String DANA = "6f1c2a9e-0000-4000-8000-00000000d001";
    static final ObjectMapper JSON = new ObjectMapper();

    public static class Teams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.approval.public-url", PUBLIC_URL);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeTeams.class));
        }
    }

    @Test
    void theWebhookGetsTheCardWithTheContextAndALinkToTheInboxThenTheOutcome() {
        String id = ask("production", "wh");
        Map<String, Object> message = await("webhook card for " + id, () -> webhookCards().stream()
                .filter(m -> texts(content(m)).contains("Approval needed") && actions(content(m)).stream()
                        .anyMatch(a -> (PUBLIC_URL + "/inbox/approvals/" + id).equals(a.get("url")))).findFirst());
        assertEquals("message", message.get("type"));
        Map<?, ?> attachment = (Map<?, ?>) ((List<?>) message.get("attachments")).get(0);
        assertEquals("application/vnd.microsoft.card.adaptive", attachment.get("contentType"));
        assertTrue(attachment.containsKey("contentUrl") && attachment.get("contentUrl") == null, "contentUrl: null, as Workflows expects");
        Map<?, ?> card = content(message);
        assertEquals("AdaptiveCard", card.get("type"));
        assertEquals("http://adaptivecards.io/schemas/adaptive-card.json", card.get("$schema"));
        assertEquals("1.5", card.get("version"));
        String text = texts(card);
        for (String fact : List.of("teams-bot-wh", "(agent)", "olivia@example.com", "iam.role.assign", "iam-role", "production",
                "on-call rotation", "SEC-42", "sha256:abc", "+admin", "iam.escalation.for-other", "SOC2:", "security", "2 approvals needed",
                "Expires: ", "0 of 2 approvals")) {
            assertTrue(text.contains(fact), "the card shows " + fact + " in:\n" + text);
        }
        List<Map<?, ?>> actions = actions(card);
        assertEquals(List.of("Action.OpenUrl", "Action.OpenUrl"), actions.stream().map(a -> a.get("type")).toList(),
                "a webhook card only links: to the inbox, and to the http(s) artifact");
        assertEquals("Review in Countersign", actions.get(0).get("title"));
        assertEquals("https://git.example/pr/1", actions.get(1).get("url"));
        assertFalse(JSON.valueToTree(card).toString().contains("](http"), "no markdown links");

        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{\"comment\": \"not during the freeze\"}")
                .post("/v1/approvals/" + id + "/deny").then().statusCode(200);
        Map<String, Object> outcome = await("webhook outcome for " + id, () -> webhookCards().stream()
                .filter(m -> texts(content(m)).contains("Request: " + id) && texts(content(m)).contains("Denied")).findFirst());
        String said = texts(content(outcome));
        for (String fact : List.of("Outcome: DENIED", "Decided by: sec-1@example.com", "not during the freeze", "When: ")) {
            assertTrue(said.contains(fact), "the outcome shows " + fact + " in:\n" + said);
        }
        assertNull(content(outcome).get("actions"));
    }

    @Test
    void theBotPostsTheCardWithButtonsToTheGroupsConversationWithItsOwnToken() {
        String id = ask("production", "post");
        Map<String, Object> post = posted(id);
        assertEquals(FakeTeams.SECURITY_ROOM, post.get("conversationId"));
        assertTrue(String.valueOf(post.get("contentType")).startsWith("application/json"));
        Map<?, ?> card = content(body(post));
        assertEquals("1.5", card.get("version"));
        List<Map<?, ?>> actions = actions(card);
        assertEquals(List.of("Action.Execute", "Action.Execute", "Action.OpenUrl", "Action.OpenUrl"),
                actions.stream().map(a -> a.get("type")).toList());
        assertEquals(List.of("approve", "deny"), actions.subList(0, 2).stream().map(a -> a.get("verb")).toList());
        assertEquals(Map.of("approvalId", id), actions.get(0).get("data"));
        assertEquals(PUBLIC_URL + "/inbox/approvals/" + id, actions.get(2).get("url"));
        assertTrue(elements(card).anyMatch(e -> "Input.Text".equals(e.get("type")) && "comment".equals(e.get("id"))),
                "a comment box whose value arrives in the action's data");
        assertTrue(texts(card).contains("olivia@example.com") && texts(card).contains("SEC-42"));

        @SuppressWarnings("unchecked")
        List<Map<String, String>> tokenRequests = (List<Map<String, String>>) recorded().get("tokenRequests");
        assertEquals(Map.of("grant_type", "client_credentials", "client_id", FakeTeams.APP_ID, "client_secret", FakeTeams.APP_PASSWORD,
                "scope", "https://api.botframework.com/.default"), tokenRequests.get(0));
    }

    @Test
    void aMappedApproverVotesFromTheCardAndEveryoneSeesTheOutcome() {
        String id = ask("production", "vote");
        String activityId = (String) posted(id).get("answeredId");

        ValidatableResponse answer = invoke(token(key(), c -> {
        }), activity(id, "approve", SEC_2, "checked SEC-42")).statusCode(200)
                .body("statusCode", equalTo(200)).body("type", equalTo("application/vnd.microsoft.card.adaptive"));
        Map<?, ?> card = answer.extract().jsonPath().getMap("value");
        assertTrue(texts(card).contains("sec-2@example.com") && texts(card).contains("checked SEC-42"), texts(card));
        assertTrue(texts(card).contains("1 of 2 approvals"));
        assertEquals(2, actions(card).stream().filter(a -> "Action.Execute".equals(a.get("type"))).count(), "still pending: buttons stay");
        as(TestTokens.auditor()).get("/v1/approvals/" + id).then().body("status", equalTo("PENDING"))
                .body("votes[0].voter", equalTo("sec-2@example.com")).body("votes[0].channel", equalTo("teams"))
                .body("votes[0].comment", equalTo("checked SEC-42"));

        await("the card updated with the vote", () -> connectorCalls().stream()
                .filter(c -> "PUT".equals(c.get("method")) && activityId.equals(c.get("activityId"))
                        && texts(content(body(c))).contains("1 of 2 approvals"))
                .findFirst());

        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{}").post("/v1/approvals/" + id + "/approve")
                .then().statusCode(200).body("status", equalTo("APPROVED"));
        Map<String, Object> reply = await("outcome reply for " + id, () -> connectorCalls().stream()
                .filter(c -> "POST".equals(c.get("method")) && activityId.equals(c.get("activityId"))).findFirst());
        assertEquals(FakeTeams.SECURITY_ROOM, reply.get("conversationId"));
        assertEquals(activityId, body(reply).get("replyToId"));
        String said = texts(content(body(reply)));
        assertTrue(said.contains("Approved") && said.contains("sec-2@example.com") && said.contains("sec-1@example.com"), said);
        Map<String, Object> update = await("card update for " + id, () -> connectorCalls().stream()
                .filter(c -> "PUT".equals(c.get("method")) && activityId.equals(c.get("activityId"))
                        && texts(content(body(c))).startsWith("Approved"))
                .findFirst());
        assertNull(content(body(update)).get("actions"), "a decided card has no buttons");
        assertEquals(activityId, body(update).get("id"));
    }

    @Test
    void aDenialNeedsACommentAndWithOneDecides() {
        String id = ask("staging", "deny");
        Map<?, ?> refused = invoke(token(key(), c -> {
        }), activity(id, "deny", SEC_2, null)).statusCode(200)
                .body("type", equalTo("application/vnd.microsoft.card.adaptive")).extract().jsonPath().getMap("value");
        assertTrue(texts(refused).contains("a denial needs a comment"), texts(refused));
        assertEquals(2, actions(refused).stream().filter(a -> "Action.Execute".equals(a.get("type"))).count(), "they can try again");
        noVotes(id);

        Map<?, ?> denied = invoke(token(key(), c -> {
        }), activity(id, "deny", SEC_2, "not during the freeze")).statusCode(200).extract().jsonPath().getMap("value");
        assertTrue(texts(denied).startsWith("Denied"), texts(denied));
        assertNull(denied.get("actions"));
        as(TestTokens.auditor()).get("/v1/approvals/" + id).then().body("status", equalTo("DENIED"))
                .body("votes[0].vote", equalTo("DENY")).body("votes[0].comment", equalTo("not during the freeze"))
                .body("votes[0].channel", equalTo("teams"));
    }

    @Test
    void thePrincipalTheRequestActsForCannotApproveItFromTeams() {
        String id = ask("staging", "self");
        Map<?, ?> card = invoke(token(key(), c -> {
        }), activity(id, "approve", OLIVIA, "fine by me")).statusCode(200).extract().jsonPath().getMap("value");
        assertTrue(texts(card).contains("not counted") && texts(card).contains("cannot decide their own request"), texts(card));
        noVotes(id);
    }

    @Test
    void someoneNotInThePeopleFileOrNotInTheGroupIsRefused() {
        String id = ask("staging", "stranger");
        posted(id);
        Map<?, ?> card = invoke(token(key(), c -> {
        }), activity(id, "approve", "6f1c2a9e-0000-4000-8000-0000000000ff", null)).statusCode(200).extract().jsonPath().getMap("value");
        assertTrue(texts(card).contains("not in Countersign's people file"), texts(card));
        assertTrue(texts(card).contains("iam.role.assign"), "the card posted in this conversation is kept, with the notice");
        Map<?, ?> wrongGroup = invoke(token(key(), c -> {
        }), activity(id, "approve", DANA, null)).statusCode(200).extract().jsonPath().getMap("value");
        assertTrue(texts(wrongGroup).contains("needs membership of"), texts(wrongGroup));
        noVotes(id);
    }

    static Stream<Arguments> badTokens() {
        return Stream.of(
                Arguments.of("signed by another key under the known kid", (TokenCase) serviceUrl -> token(otherKey(FakeTeams.KID), c -> {
                })),
                Arguments.of("wrong audience", (TokenCase) serviceUrl -> token(key(), c -> c.setAudience("some-other-bot"))),
                Arguments.of("wrong issuer", (TokenCase) serviceUrl -> token(key(), c -> c.setIssuer("https://sts.windows.net/evil/"))),
                Arguments.of("expired beyond the allowed skew", (TokenCase) serviceUrl -> token(key(), c -> expiredAgo(c, 360))),
                Arguments.of("not valid yet", (TokenCase) serviceUrl -> token(key(), c -> c.setNotBefore(
                        NumericDate.fromSeconds(NumericDate.now().getValue() + 600)))),
                Arguments.of("serviceurl of another connector", (TokenCase) serviceUrl -> token(key(),
                        c -> c.setClaim("serviceurl", "https://smba.attacker.example/teams/"))),
                Arguments.of("no serviceurl claim", (TokenCase) serviceUrl -> token(key(), c -> c.unsetClaim("serviceurl"))),
                Arguments.of("HS256 with the public key's bytes", (TokenCase) serviceUrl -> hs256()),
                Arguments.of("unsigned", (TokenCase) serviceUrl -> unsigned()),
                Arguments.of("missing", (TokenCase) serviceUrl -> null));
    }

    @FunctionalInterface
    interface TokenCase {
        String token(String serviceUrl);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aTokenThatDoesNotPassIs401AndNoVote(String note, TokenCase bad) {
        String id = ask("staging", "bad");
        String token = bad.token(serviceUrl());
        var request = given().contentType("application/json").body(activity(id, "approve", SEC_2, null));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.post(ENDPOINT).then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"))
                .body("detail", containsString("Bot Framework token"));
        noVotes(id);
    }

    @Test
    void aKeyNotEndorsedForTheActivitysChannelIsRefused() {
        String id = ask("staging", "channel");
        Map<String, Object> activity = activity(id, "approve", SEC_2, null);
        activity.put("channelId", "webchat");
        invoke(token(key(), c -> {
        }), activity).statusCode(401);
        noVotes(id);
    }

    @Test
    void aTokenWithinTheSkewPassesAndARotatedKeyIsFetchedButUnknownKeysAreNotRefetchedWithinAMinute() throws Exception {
        String id = ask("staging", "keys");
        invoke(token(key(), c -> expiredAgo(c, 120)),
                activity(id, "approve", SEC_2, null)).statusCode(200).body("statusCode", equalTo(200));
        as(TestTokens.auditor()).get("/v1/approvals/" + id).then().body("status", equalTo("APPROVED"));

        int fetches = (Integer) recorded().get("keyFetches");
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(System.getProperty(FakeTeams.BASE) + "/admin/rotate"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        String other = ask("staging", "rotated");
        invoke(token(rotatedKey(), c -> {
        }), activity(other, "approve", SEC_2, null)).statusCode(200);
        assertEquals(fetches + 1, recorded().get("keyFetches"), "the new kid made one fetch");

        String third = ask("staging", "unknown");
        invoke(token(otherKey("bf-key-never-published"), c -> {
        }), activity(third, "approve", SEC_2, null)).statusCode(401);
        assertEquals(fetches + 1, recorded().get("keyFetches"), "another unknown kid within the minute fetches nothing");
        noVotes(third);
    }

    @Test
    void aFailingConnectorIsCountedAndTheDecisionStands() {
        String agent = TestTokens.agent("teams-bot-sre-" + UUID.randomUUID());
        as(agent).body("""
                {"action": "terraform.apply", "resource": {"type": "terraform-workspace", "id": "ws-%s", "environment": "production"}}"""
                .formatted(UUID.randomUUID())).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("REQUIRE_APPROVAL")).body("approval.approverGroups", org.hamcrest.Matchers.hasItem("sre"));
        await("the error counter", () -> Optional.ofNullable(given().get("/q/metrics").then().extract().asString().lines()
                .filter(l -> l.startsWith("countersign_teams_errors_total{") && l.contains("operation=\"post_card\"")
                        && !l.endsWith(" 0.0"))
                .findFirst().orElse(null)));
    }

    @Test
    void otherActivitiesAreAcknowledgedAndBadOnesRefused() {
        Map<String, Object> message = new LinkedHashMap<>(activity("x", "approve", SEC_2, null));
        message.put("type", "message");
        message.remove("name");
        message.put("text", "hello");
        invoke(token(key(), c -> {
        }), message).statusCode(200);
        Map<String, Object> wrongVerb = activity("x", "approve", SEC_2, null);
        ((Map<String, Object>) ((Map<String, Object>) wrongVerb.get("value")).get("action")).put("verb", "escalate");
        invoke(token(key(), c -> {
        }), wrongVerb).statusCode(200).body("statusCode", equalTo(400))
                .body("type", equalTo("application/vnd.microsoft.error")).body("value.code", equalTo("BadRequest"))
                .body("value.message", containsString("verb"));
        given().header("Authorization", "Bearer " + token(key(), c -> {
        })).contentType("application/json").body("[1]").post(ENDPOINT).then().statusCode(400).body("field", equalTo("body"));
    }

    // --- helpers

    /** An agent asks for an IAM grant acting for olivia@example.com: REQUIRE_APPROVAL by security. */
    static String ask(String environment, String tag) {
        String body = """
                {"action": "iam.role.assign", "onBehalfOf": "olivia@example.com",
                 "resource": {"type": "iam-role", "id": "%s", "environment": "%s", "attributes": {"principal": "erin@example.com"}},
                 "context": {"reason": "on-call rotation", "ticket": "SEC-42",
                             "artifact": {"type": "diff", "digest": "sha256:abc", "summary": "+admin", "link": "https://git.example/pr/1"}}}"""
                .formatted("role-" + tag + "-" + UUID.randomUUID(), environment);
        return as(TestTokens.agent("teams-bot-" + tag)).body(body).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("REQUIRE_APPROVAL")).extract().path("approval.id");
    }

    static io.restassured.specification.RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType("application/json");
    }

    static void noVotes(String id) {
        as(TestTokens.auditor()).get("/v1/approvals/" + id).then().statusCode(200).body("status", equalTo("PENDING"))
                .body("votes", empty());
    }

    static ValidatableResponse invoke(String token, Map<String, Object> activity) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json").body(activity).post(ENDPOINT).then();
    }

    /** An {@code adaptiveCard/action} invoke as Teams sends it when a card's Action.Execute is selected. */
    static Map<String, Object> activity(String approvalId, String verb, String aadObjectId, String comment) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("approvalId", approvalId);
        if (comment != null) {
            data.put("comment", comment);
        }
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("type", "Action.Execute");
        action.put("title", verb.equals("approve") ? "Approve" : "Deny");
        action.put("verb", verb);
        action.put("data", data);
        Map<String, Object> activity = new LinkedHashMap<>();
        activity.put("name", "adaptiveCard/action");
        activity.put("type", "invoke");
        activity.put("timestamp", "2026-11-20T10:15:30.123Z");
        activity.put("id", "f:" + UUID.randomUUID());
        activity.put("channelId", "msteams");
        activity.put("serviceUrl", serviceUrl());
        activity.put("from", Map.of("id", "29:1" + aadObjectId.replace("-", ""), "name", "Teams User", "aadObjectId", aadObjectId));
        activity.put("conversation", Map.of("isGroup", true, "conversationType", "channel", "tenantId", "72f988bf-0000-4000-8000-000000000001",
                "id", FakeTeams.SECURITY_ROOM + ";messageid=1712000000001"));
        activity.put("recipient", Map.of("id", "28:" + FakeTeams.APP_ID, "name", "Countersign"));
        activity.put("entities", List.of(Map.of("type", "clientInfo", "locale", "en-US", "platform", "Web")));
        activity.put("channelData", Map.of("tenant", Map.of("id", "72f988bf-0000-4000-8000-000000000001"),
                "source", Map.of("name", "message")));
        activity.put("replyToId", "1712000000001");
        activity.put("value", new LinkedHashMap<>(Map.of("action", action, "trigger", "manual")));
        activity.put("locale", "en-US");
        return activity;
    }

    static String serviceUrl() {
        return System.getProperty(FakeTeams.BASE) + "/connector/";
    }

    /** A token as the Bot Framework signs it for this bot, changed by {@code change}. */
    static String token(RsaJsonWebKey key, Consumer<JwtClaims> change) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://api.botframework.com");
        claims.setAudience(FakeTeams.APP_ID);
        claims.setIssuedAtToNow();
        claims.setNotBeforeMinutesInThePast(1);
        claims.setExpirationTimeMinutesInTheFuture(60);
        claims.setClaim("serviceurl", serviceUrl());
        change.accept(claims);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token that was issued an hour before it expired, {@code seconds} ago. */
    static void expiredAgo(JwtClaims claims, long seconds) {
        long exp = NumericDate.now().getValue() - seconds;
        claims.setExpirationTime(NumericDate.fromSeconds(exp));
        claims.setIssuedAt(NumericDate.fromSeconds(exp - 3600));
        claims.setNotBefore(NumericDate.fromSeconds(exp - 3600));
    }

    static String hs256() {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://api.botframework.com");
        claims.setAudience(FakeTeams.APP_ID);
        claims.setExpirationTimeMinutesInTheFuture(60);
        claims.setClaim("serviceurl", serviceUrl());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(new HmacKey(key().getKey().getEncoded()));
        jws.setKeyIdHeaderValue(FakeTeams.KID);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned() {
        String token = token(key(), c -> {
        });
        String[] parts = token.split("\\.");
        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"alg\":\"none\",\"kid\":\"" + FakeTeams.KID + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return header + "." + parts[1] + ".";
    }

    static RsaJsonWebKey key() {
        return published(FakeTeams.KEY);
    }

    static RsaJsonWebKey rotatedKey() {
        return published(FakeTeams.ROTATED_KEY);
    }

    private static RsaJsonWebKey published(String property) {
        try {
            return (RsaJsonWebKey) JsonWebKey.Factory.newJwk(System.getProperty(property));
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    static RsaJsonWebKey otherKey(String kid) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(kid);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> recorded() {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(System.getProperty(FakeTeams.BASE) + "/recorded")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readValue(answer.body(), Map.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> webhookCards() {
        return (List<Map<String, Object>>) recorded().get("webhook");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> connectorCalls() {
        return (List<Map<String, Object>>) recorded().get("connector");
    }

    /** The card the bot posted for request {@code id} (a new activity, not a reply). */
    static Map<String, Object> posted(String id) {
        return await("bot card for " + id, () -> connectorCalls().stream()
                .filter(c -> "POST".equals(c.get("method")) && c.get("activityId") == null
                        && actions(content(body(c))).stream().anyMatch(a -> a.get("data") instanceof Map<?, ?> d && id.equals(d.get("approvalId"))))
                .findFirst());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(Map<String, Object> call) {
        return (Map<String, Object>) call.get("body");
    }

    static Map<?, ?> content(Map<String, Object> message) {
        return (Map<?, ?>) ((Map<?, ?>) ((List<?>) message.get("attachments")).get(0)).get("content");
    }

    @SuppressWarnings("unchecked")
    static List<Map<?, ?>> actions(Map<?, ?> card) {
        Object actions = card.get("actions");
        return actions == null ? List.of() : (List<Map<?, ?>>) actions;
    }

    /** Every element of the card's body, nested ones included. */
    static Stream<Map<?, ?>> elements(Object node) {
        List<Map<?, ?>> found = new ArrayList<>();
        collect(node, found);
        return found.stream();
    }

    private static void collect(Object node, List<Map<?, ?>> found) {
        if (node instanceof Map<?, ?> map) {
            found.add(map);
            map.values().forEach(v -> collect(v, found));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collect(v, found));
        }
    }

    /** The card's text as a reader sees it: text blocks and runs in order, one block a line. */
    static String texts(Map<?, ?> card) {
        StringBuilder text = new StringBuilder();
        elements(card.get("body")).forEach(e -> {
            if ("TextBlock".equals(e.get("type"))) {
                text.append(e.get("text")).append('\n');
            } else if ("RichTextBlock".equals(e.get("type"))) {
                ((List<?>) e.get("inlines")).forEach(run -> text.append(((Map<?, ?>) run).get("text")));
                text.append('\n');
            }
        });
        return text.toString();
    }

    static <T> T await(String what, java.util.function.Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("never came: " + what);
    }
}

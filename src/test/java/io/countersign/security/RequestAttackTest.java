package io.countersign.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.audit.LogReader;
import io.countersign.decision.TestRequests;
import io.countersign.identity.LocalTokens;
import io.countersign.identity.TestTokens;
import io.countersign.inbox.InboxSessions;
import io.countersign.inbox.SignInLinks;
import io.countersign.keys.KeyFiles;
import io.countersign.policy.api.Caller;
import io.countersign.security.WebhookReceiver.Delivery;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Attacks on tokens and requests that the identity, inbox, Slack and Teams tests do not already make:
 * tokens not valid yet, HS256 signed with the public key, a key of the attacker's own in the header, an
 * inbox session and an API token standing in for each other, a webhook delivery altered or replayed, and
 * identity smuggled in a decision or vote body. Each case is named after its attack.
 */
@QuarkusTest
@TestProfile(RequestAttackTest.WithWebhookReceiver.class)
class RequestAttackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPROVER = "attack-dg@example.com";

    public static class WithWebhookReceiver implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(WebhookReceiver.class));
        }
    }

    WebhookReceiver webhooks;

    @Inject
    InboxSessions sessions;

    @Inject
    LogReader log;

    static Stream<Arguments> notYetValidTokens() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                Arguments.of("not before an hour from now", (Consumer<Map<String, Object>>) c -> c.put("nbf", now + 3600)),
                Arguments.of("issued an hour from now", (Consumer<Map<String, Object>>) c -> {
                    c.put("iat", now + 3600);
                    c.put("exp", now + 4200);
                }),
                Arguments.of("issued a year from now, so its lifetime seems ten minutes", (Consumer<Map<String, Object>>) c -> {
                    c.put("iat", now + 365L * 86_400);
                    c.put("exp", now + 365L * 86_400 + 600);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notYetValidTokens")
    void aTokenNotValidYetIsRefused(String note, Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = TestTokens.claims("early-bot");
        change.accept(claims);
        unauthorized(TestTokens.local().sign(Map.of("alg", "RS256", "typ", "JWT"), claims));
    }

    @Test
    void aTokenIssuedWithinTheClockSkewIsAccepted() {
        Map<String, Object> claims = TestTokens.claims("skewed-bot");
        claims.put("iat", Instant.now().getEpochSecond() + 20);
        given().auth().oauth2(TestTokens.local().sign(Map.of("alg", "RS256", "typ", "JWT"), claims))
                .get("/v1/whoami").then().statusCode(200).body("id", equalTo("skewed-bot"));
    }

    @Test
    void aSignInLinkNotValidYetIsRefused() {
        long now = Instant.now().getEpochSecond();
        assertEquals(200, signInPage(c -> { }).statusCode(), "the same link, valid now, is offered");
        for (Consumer<Map<String, Object>> change : List.<Consumer<Map<String, Object>>> of(
                c -> c.put("nbf", now + 3600),
                c -> {
                    c.put("iat", now + 365L * 86_400);
                    c.put("exp", now + 365L * 86_400 + 600);
                })) {
            Response page = signInPage(change);
            assertEquals(400, page.statusCode(), page.asString());
            assertTrue(page.asString().contains("this sign-in link is not valid"), page.asString());
            assertEquals(null, page.getCookie("countersign_inbox_sign_in"), "no sign-in form is offered");
        }
    }

    static Stream<Arguments> publicKeyAsHmacSecret() {
        byte[] der = LocalTokens.key(TestTokens.DATA_DIR).getPublic().getEncoded();
        String pem = KeyFiles.publicPem(LocalTokens.key(TestTokens.DATA_DIR));
        return Stream.of(
                Arguments.of("the public key's DER bytes", der),
                Arguments.of("the public key's PEM text", pem.getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("the base64 the OIDC tenant is configured with",
                        pem.replaceAll("-----[A-Z ]+-----|\\s", "").getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicKeyAsHmacSecret")
    void hs256SignedWithThePublicKeyIsRefused(String note, byte[] secret) throws JoseException {
        unauthorized(jws(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(secret), null));
    }

    @Test
    void aTokenCarryingItsOwnVerificationKeyIsRefused() throws JoseException {
        RsaJsonWebKey attacker = RsaJwkGenerator.generateJwk(2048);
        unauthorized(jws(AlgorithmIdentifiers.RSA_USING_SHA256, attacker.getPrivateKey(), attacker));
    }

    @Test
    void anInboxSessionIsNotAnApiTokenNorAnApiTokenAnInboxSession() {
        String session = sessions.start(new Caller(APPROVER, Caller.HUMAN, List.of("data-governance")));
        given().cookie(InboxSessions.COOKIE, session).redirects().follow(false).get("/inbox").then().statusCode(200);
        unauthorized(session);
        given().redirects().follow(false).cookie(InboxSessions.COOKIE, TestTokens.token(APPROVER, "human", "data-governance"))
                .get("/inbox").then().statusCode(303).header("Location", endsWith("/inbox/sign-in"));
    }

    @Test
    void aWebhookDeliveryAlteredOrReplayedLaterFailsVerification() throws Exception {
        String approvalId = openApproval();
        Delivery sent = webhooks.next("approval.requested", approvalId);
        long now = Instant.now().getEpochSecond();
        assertTrue(verifies(sent, now), "the delivery as sent verifies: " + sent);

        String approved = sent.body().replace("\"status\":\"PENDING\"", "\"status\":\"APPROVED\"");
        assertNotEquals(sent.body(), approved);
        assertFalse(verifies(new Delivery(sent.id(), sent.timestamp(), sent.signature(), approved, 0), now), "body altered");
        String later = String.valueOf(now + 3600);
        assertFalse(verifies(new Delivery(sent.id(), later, sent.signature(), sent.body(), 0), now + 3600),
                "replayed an hour later with a fresh timestamp");
        assertFalse(verifies(new Delivery("msg_" + UUID.randomUUID(), sent.timestamp(), sent.signature(), sent.body(), 0), now),
                "replayed under a new id, to pass a receiver's duplicate check");
        assertFalse(verifies(sent, Long.parseLong(sent.timestamp()) + 301), "replayed as sent, after the five-minute window");
    }

    @Test
    void aRetriedWebhookKeepsItsIdSoAReceiverDropsTheDuplicate() throws Exception {
        webhooks.failFirstAttempts.set(true);
        Delivery failed;
        Delivery retried;
        try {
            String approvalId = openApproval();
            failed = webhooks.next("approval.requested", approvalId);
            retried = webhooks.next("approval.requested", approvalId);
        } finally {
            webhooks.failFirstAttempts.set(false);
        }
        assertEquals(503, failed.answered());
        assertEquals(204, retried.answered());
        assertEquals(failed.id(), retried.id());
        assertEquals(failed.body(), retried.body());
        long now = Instant.now().getEpochSecond();
        assertTrue(verifies(failed, now) && verifies(retried, now), "both attempts verify");
    }

    static Stream<Arguments> identityInTheDecisionBody() {
        return Stream.of(
                Arguments.of("callerType", "{\"action\": \"aws.s3.export\", \"callerType\": \"human\"}"),
                Arguments.of("caller_type", "{\"action\": \"aws.s3.export\", \"caller_type\": \"human\"}"),
                Arguments.of("groups", "{\"action\": \"aws.s3.export\", \"groups\": [\"auditor\", \"security\"]}"),
                Arguments.of("roles", "{\"action\": \"aws.s3.export\", \"roles\": [\"policy-admin\"]}"),
                Arguments.of("sub", "{\"action\": \"aws.s3.export\", \"sub\": \"root\"}"),
                Arguments.of("requester", "{\"action\": \"aws.s3.export\", \"requester\": \"alice@example.com\"}"),
                Arguments.of("context.caller", "{\"action\": \"aws.s3.export\", \"context\": {\"caller\": {\"id\": \"root\"}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("identityInTheDecisionBody")
    void identityInTheDecisionBodyIsRefusedNamingTheField(String field, String body) {
        long before = log.head().sequence();
        given().auth().oauth2(TestTokens.agent("smuggling-bot")).contentType("application/json").body(body)
                .post("/v1/decisions").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid_request")).body("field", equalTo(field)).body("outcome", nullValue());
        assertEquals(before, log.head().sequence(), "nothing is logged");
    }

    @Test
    void identityInFreeFormAttributesIsDataAndTheLoggedCallerIsTheTokens() {
        // countersign.agent-self-change denies agents; the attributes claim a human auditor in every shape
        String body = """
                {"action": "countersign.policy.reload",
                 "resource": {"type": "policy", "id": "rules", "attributes":
                              {"caller": {"id": "pat@example.com", "type": "human"}, "groups": ["policy-admin"]}},
                 "context": {"reason": "routine", "attributes": {"callerType": "human", "roles": ["auditor"], "sub": "root"}}}""";
        long before = log.head().sequence();
        String decisionId = given().auth().oauth2(TestTokens.agent("smuggling-bot")).contentType("application/json").body(body)
                .post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("DENY")).body("reasons.rule", org.hamcrest.Matchers.hasItem("countersign.agent-self-change"))
                .extract().path("decisionId");
        Map<String, Object> entry = loggedEntry(before, "decisionId", decisionId);
        assertEquals(Map.of("id", "smuggling-bot", "type", "agent", "groups", List.of("agent")), entry.get("caller"));
    }

    static Stream<Arguments> identityInTheVoteBody() {
        return Stream.of(
                Arguments.of("voter", "approve", "{\"comment\": \"fine\", \"voter\": \"dana@example.com\"}"),
                Arguments.of("caller", "approve", "{\"caller\": {\"id\": \"dana@example.com\", \"groups\": [\"data-governance\"]}}"),
                Arguments.of("groups", "approve", "{\"groups\": [\"data-governance\", \"break-glass\"]}"),
                Arguments.of("channel", "deny", "{\"comment\": \"no\", \"channel\": \"slack\"}"),
                Arguments.of("requester", "cancel", "{\"requester\": \"someone-else\"}"));
    }

    @ParameterizedTest(name = "{0} in a {1} body")
    @MethodSource("identityInTheVoteBody")
    void identityInAVoteBodyIsRefusedAndCountsNothing(String field, String verb, String body) {
        String approvalId = openApproval();
        given().auth().oauth2(TestTokens.token("attack-sre@example.com", "human", "sre")).contentType("application/json").body(body)
                .post("/v1/approvals/" + approvalId + "/" + verb).then().statusCode(400)
                .body("code", equalTo("invalid_request")).body("field", equalTo(field));
        JsonPath approval = asAuditor(approvalId);
        assertEquals("PENDING", approval.getString("status"));
        assertEquals(List.of(), approval.getList("votes"));
    }

    @Test
    void theVoterIsTheTokensOrTheSessionsWhateverTheBodySays() {
        String viaApi = openApproval();
        given().auth().oauth2(TestTokens.token(APPROVER, "human", "data-governance")).contentType("application/json")
                .body("{\"comment\": \"checked\"}").post("/v1/approvals/" + viaApi + "/approve").then().statusCode(200);
        assertEquals(List.of(APPROVER), asAuditor(viaApi).getList("votes.voter"));
        assertEquals(List.of("api"), asAuditor(viaApi).getList("votes.channel"));

        // the inbox reads only csrf and comment from its form: other fields are ignored, not believed
        String viaInbox = openApproval();
        String cookie = sessions.start(new Caller(APPROVER, Caller.HUMAN, List.of("data-governance")));
        String csrf = sessions.csrf(sessions.read(cookie).orElseThrow().id());
        given().redirects().follow(false).cookie(InboxSessions.COOKIE, cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("comment", "checked")
                .formParam("voter", "dana@example.com").formParam("caller", "dana@example.com").formParam("groups", "break-glass")
                .post("/inbox/approvals/" + viaInbox + "/approve").then().statusCode(303);
        JsonPath approval = asAuditor(viaInbox);
        assertEquals(List.of(APPROVER), approval.getList("votes.voter"));
        assertEquals(List.of(List.of("data-governance")), approval.getList("votes.groups"));
        assertEquals(List.of(false), approval.getList("votes.breakGlass"));
    }

    /** A pending request for a confidential production export, which one member of data-governance decides. */
    private static String openApproval() {
        return given().auth().oauth2(TestTokens.agent("attack-requester-" + UUID.randomUUID())).contentType("application/json")
                .body(TestRequests.EXPORT).post("/v1/decisions").then().statusCode(200)
                .body("approval.status", equalTo("PENDING")).extract().path("approval.id");
    }

    /** The sign-in page for a link to sec-1@example.com whose claims {@code change} alters. */
    private static Response signInPage(Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = TestTokens.claims("sec-1@example.com");
        claims.put("aud", SignInLinks.DEFAULT_AUDIENCE);
        claims.put("caller_type", "human");
        claims.put("groups", List.of("security"));
        claims.put("jti", UUID.randomUUID().toString());
        change.accept(claims);
        LocalTokens links = new LocalTokens(LocalTokens.key(TestTokens.DATA_DIR), TestTokens.ISSUER, SignInLinks.DEFAULT_AUDIENCE);
        return given().queryParam("token", links.sign(Map.of("alg", "RS256", "typ", "JWT"), claims)).get("/inbox/sign-in");
    }

    private static JsonPath asAuditor(String approvalId) {
        return given().auth().oauth2(TestTokens.auditor()).get("/v1/approvals/" + approvalId).then().statusCode(200).extract().jsonPath();
    }

    private static void unauthorized(String token) {
        given().auth().oauth2(token).get("/v1/whoami").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("unauthorized"));
        given().auth().oauth2(token).contentType("application/json").body(TestRequests.EXPORT).post("/v1/decisions")
                .then().statusCode(401).body("outcome", nullValue());
    }

    /** The entry logged after {@code afterSequence} whose {@code key} is {@code value}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> loggedEntry(long afterSequence, String key, String value) {
        List<Map<String, Object>> entries = given().auth().oauth2(TestTokens.auditor()).queryParam("afterSequence", afterSequence)
                .queryParam("limit", 1000).get("/v1/log").then().statusCode(200).extract().jsonPath().getList("entries.body.entry");
        return entries.stream().filter(e -> value.equals(e.get(key))).findFirst()
                .orElseThrow(() -> new AssertionError("no log entry with " + key + " " + value));
    }

    /** A JWS over standard claims for an agent, signed with {@code key}; {@code jwk} goes in the header when given. */
    private static String jws(String algorithm, java.security.Key key, RsaJsonWebKey jwk) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        try {
            jws.setPayload(JSON.writeValueAsString(TestTokens.claims("forged-bot")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        if (jwk != null) {
            jws.setJwkHeader(jwk);
        }
        return jws.getCompactSerialization();
    }

    /**
     * Standard Webhooks verification written from the specification, not from Countersign's code: the
     * timestamp within five minutes of {@code nowSeconds}, and a {@code v1,} signature equal to the base64
     * HMAC-SHA256, keyed with the base64-decoded secret after {@code whsec_}, of {@code id.timestamp.body}.
     */
    static boolean verifies(Delivery d, long nowSeconds) throws GeneralSecurityException {
        if (d.id() == null || d.timestamp() == null || d.signature() == null
                || Math.abs(nowSeconds - Long.parseLong(d.timestamp())) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(WebhookReceiver.SECRET.substring("whsec_".length())), "HmacSHA256"));
        byte[] expected = mac.doFinal((d.id() + "." + d.timestamp() + "." + d.body()).getBytes(StandardCharsets.UTF_8));
        for (String signature : d.signature().split(" ")) {
            if (signature.startsWith("v1,")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                return true;
            }
        }
        return false;
    }
}

package io.countersign.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.keys.KeyFiles;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class IdentityTest {

    static Stream<Arguments> refusedTokens() {
        return Stream.of(
                Arguments.of("expired a minute ago", (Supplier<String>) () -> signed(c -> {
                    c.put("exp", Instant.now().getEpochSecond() - 60);
                    c.put("iat", Instant.now().getEpochSecond() - 700);
                })),
                Arguments.of("signed with another key", (Supplier<String>) IdentityTest::otherKey),
                Arguments.of("from another issuer", (Supplier<String>) () -> signed(c -> c.put("iss", "https://evil.example"))),
                Arguments.of("for another audience", (Supplier<String>) () -> signed(c -> c.put("aud", "another-service"))),
                Arguments.of("alg none, unsigned", (Supplier<String>) IdentityTest::unsigned),
                Arguments.of("signature cut off", (Supplier<String>) () -> {
                    String t = TestTokens.agent("bot");
                    return t.substring(0, t.lastIndexOf('.') + 1);
                }),
                Arguments.of("payload swapped after signing", (Supplier<String>) () -> {
                    String[] parts = TestTokens.agent("bot").split("\\.");
                    return parts[0] + "." + LocalTokens.part(Map.of("iss", TestTokens.ISSUER, "aud", TestTokens.AUDIENCE,
                            "sub", "root", "groups", List.of("agent", "auditor"), "exp", Instant.now().getEpochSecond() + 600))
                            + "." + parts[2];
                }),
                Arguments.of("valid for 31 days", (Supplier<String>) () -> signed(c -> c.put("exp", Instant.now().getEpochSecond() + 31L * 86_400))),
                Arguments.of("not a token", (Supplier<String>) () -> "hello"),
                Arguments.of("caller type neither agent nor human", (Supplier<String>) () -> signed(c -> c.put("caller_type", "robot"))),
                Arguments.of("caller id with a control character", (Supplier<String>) () -> signed(c -> c.put("sub", "bot\u0007"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusedTokensGet401(String note, Supplier<String> token) {
        given().auth().oauth2(token.get()).body("{\"action\":\"github.repo.read\"}")
                .when().post("/v1/decisions")
                .then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthorized"))
                .body("outcome", equalTo(null));
    }

    @Test
    void noTokenGets401() {
        given().body("{\"action\":\"github.repo.read\"}").when().post("/v1/decisions")
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
    }

    @Test
    void callerAndRolesComeFromTheToken() {
        given().auth().oauth2(TestTokens.token("alice@example.com", "human", "agent", "auditor", "sre"))
                .when().get("/v1/whoami")
                .then().statusCode(200)
                .body("id", equalTo("alice@example.com"))
                .body("type", equalTo("human"))
                .body("groups", containsInAnyOrder("agent", "auditor", "sre"))
                .body("roles", contains("agent", "auditor"));
    }

    @Test
    void groupsAsOneStringAreSplit() {
        String token = signed(c -> c.put("groups", "agent policy-admin"));
        given().auth().oauth2(token).when().get("/v1/whoami")
                .then().statusCode(200).body("roles", contains("agent", "policy-admin"));
    }

    @Test
    void missingTypeClaimMeansAgent() {
        String token = signed(c -> c.remove("caller_type"));
        given().auth().oauth2(token).when().get("/v1/whoami").then().statusCode(200).body("type", equalTo("agent"));
    }

    @Test
    void askingForADecisionNeedsTheAgentRole() {
        given().auth().oauth2(TestTokens.auditor()).body("{\"action\":\"github.repo.read\"}")
                .when().post("/v1/decisions")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
    }

    private static String signed(java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = TestTokens.claims("bot-1");
        change.accept(claims);
        return TestTokens.local().sign(Map.of("alg", "RS256", "typ", "JWT"), claims);
    }

    private static String otherKey() {
        try {
            Path dir = Files.createTempDirectory("other-key");
            return new LocalTokens(KeyFiles.loadOrCreate(dir.resolve("k.pem"), KeyFiles.RSA), TestTokens.ISSUER,
                    TestTokens.AUDIENCE).sign(Map.of("alg", "RS256", "typ", "JWT"), TestTokens.claims("bot-1"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + LocalTokens.part(TestTokens.claims("bot-1")) + ".";
    }
}

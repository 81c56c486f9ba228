package io.countersign.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * Production's path: an external identity provider, here a WireMock server answering OIDC discovery
 * and JWKS as Keycloak does, with claim names and the role mapping configured as a company would.
 */
@QuarkusTest
@TestProfile(ExternalProviderTest.Provider.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class ExternalProviderTest {
    static final String ISSUER = "https://server.example.com";
    static final String AUDIENCE = "countersign-prod";

    public static class Provider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus",
                    "quarkus.oidc.token.issuer", ISSUER,
                    "quarkus.oidc.token.audience", AUDIENCE,
                    "countersign.identity.id-claim", "preferred_username",
                    "countersign.identity.type-claim", "principal_type",
                    "countersign.identity.roles.agent", "ci-bots,deployers");
        }
    }

    @Test
    void claimsAndRolesComeThroughTheConfiguredNames() {
        given().auth().oauth2(providerToken("svc-deploy", "human", List.of("deployers", "agent")))
                .when().get("/v1/whoami")
                .then().statusCode(200)
                .body("id", equalTo("svc-deploy"))
                .body("type", equalTo("human"))
                .body("roles", contains("agent"));
    }

    @Test
    void aGroupNamedAgentGrantsNothingWhenTheMappingSaysOtherwise() {
        given().auth().oauth2(providerToken("sneaky", "agent", List.of("agent"))).when().get("/v1/whoami")
                .then().statusCode(200).body("roles", empty());
        given().auth().oauth2(providerToken("sneaky", "agent", List.of("agent")))
                .body("{\"action\": \"aws.s3.list\"}").when().post("/v1/decisions")
                .then().statusCode(403).body("code", equalTo("forbidden"));
    }

    @Test
    void aDecisionWithAProviderToken() {
        given().auth().oauth2(providerToken("ci-runner", "agent", List.of("ci-bots")))
                .body("{\"action\": \"aws.s3.list\"}").when().post("/v1/decisions")
                .then().statusCode(200).body("outcome", equalTo("ALLOW"));
    }

    @Test
    void theLocalKeyIsNotTrustedOnceAProviderIsConfigured() {
        given().auth().oauth2(TestTokens.agent("local-bot")).when().get("/v1/whoami").then().statusCode(401);
    }

    @Test
    void theProvidersOwnChecksStillApply() {
        Map<String, Object> claims = claims("svc", "agent", List.of("ci-bots"));
        claims.put("aud", "someone-else");
        given().auth().oauth2(sign(claims)).when().get("/v1/whoami").then().statusCode(401);
        claims = claims("svc", "agent", List.of("ci-bots"));
        claims.put("exp", Instant.now().getEpochSecond() - 120);
        given().auth().oauth2(sign(claims)).when().get("/v1/whoami").then().statusCode(401);
    }

    private static String providerToken(String user, String type, List<String> groups) {
        return sign(claims(user, type, groups));
    }

    private static Map<String, Object> claims(String user, String type, List<String> groups) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new java.util.LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", "f:1234:" + user);
        claims.put("preferred_username", user);
        claims.put("principal_type", type);
        claims.put("groups", groups);
        claims.put("iat", now);
        claims.put("exp", now + 300);
        return claims;
    }

    /** Signed with the WireMock provider's private key, the one its JWKS publishes as kid 1. */
    private static String sign(Map<String, Object> claims) {
        try (InputStream jwk = OidcWiremockTestResource.class.getResourceAsStream("/privateKey.jwk")) {
            RsaJsonWebKey key = (RsaJsonWebKey) JsonWebKey.Factory.newJwk(new String(jwk.readAllBytes(), StandardCharsets.UTF_8));
            return new LocalTokens(new KeyPair(key.getPublicKey(), key.getRsaPrivateKey()), ISSUER, AUDIENCE)
                    .sign(Map.of("alg", "RS256", "typ", "JWT", "kid", "1"), claims);
        } catch (IOException | JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}

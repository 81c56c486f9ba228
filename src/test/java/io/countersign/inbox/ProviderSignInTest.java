package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With an identity provider, people sign in to the inbox through the OIDC authorization code flow
 * against a real OIDC server, followed hop by hop over HTTP; the ID token's claims make the caller, and
 * the sign-in link path does not exist.
 */
@QuarkusTest
@TestProfile(ProviderSignInTest.Provider.class)
class ProviderSignInTest {
    public static class Provider implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcServerResource.class));
        }
    }

    @TestHTTPResource("/inbox")
    URI inbox;

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void signInLinksDoNotExist() {
        given().redirects().follow(false).get("/inbox/sign-in").then().statusCode(404);
        given().redirects().follow(false).queryParam("token", InboxFixture.link("sec-1@example.com", "security"))
                .get("/inbox/sign-in").then().statusCode(404);
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("token", "x")
                .post("/inbox/sign-in").then().statusCode(404);
    }

    @Test
    void aPersonSignsInThroughTheProviderAndApproves() throws Exception {
        String agent = OidcServerResource.apiToken("oidc-bot-" + UUID.randomUUID(), "agent", List.of("agent"));
        String id = given().auth().oauth2(agent).contentType("application/json").body("""
                {"action": "iam.role.assign",
                 "resource": {"type": "iam-role", "id": "r-%s", "environment": "staging", "attributes": {"principal": "dana@example.com"}},
                 "onBehalfOf": "olivia@example.com", "context": {"reason": "rotation"}}""".formatted(UUID.randomUUID()))
                .post("/v1/decisions").then().statusCode(200).body("outcome", equalTo("REQUIRE_APPROVAL"))
                .extract().path("approval.id");

        // Not signed in: to the provider's authorization endpoint.
        HttpResponse<String> answer = get(inbox);
        assertEquals(302, answer.statusCode(), answer.body());
        URI authorize = location(inbox, answer);
        assertTrue(authorize.toString().startsWith(OidcServerResource.server.authorizationEndpointUrl("inbox").toString()), authorize.toString());
        assertTrue(authorize.getQuery().contains("client_id=" + OidcServerResource.CLIENT_ID), authorize.toString());
        assertTrue(authorize.getQuery().contains("response_type=code"), authorize.toString());

        // The provider signs the person in and sends the browser back with a code.
        OidcServerResource.nextSignIn("sec-7@example.com", "human", List.of("security"));
        answer = get(authorize);
        assertEquals(302, answer.statusCode(), answer.body());
        URI callback = location(authorize, answer);
        assertTrue(callback.getQuery().contains("code="), callback.toString());

        // Quarkus exchanges the code for tokens, starts its session and drops the code from the address.
        answer = get(callback);
        assertEquals(302, answer.statusCode(), answer.body());
        URI back = location(callback, answer);
        assertEquals("/inbox", back.getPath());

        answer = get(back);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("sec-7@example.com"), answer.body());
        assertTrue(answer.body().contains("/inbox/approvals/" + id), answer.body());
        String csrf = InboxFixture.csrf(answer.body());

        // A form without the token does nothing; with it, the vote counts.
        assertEquals(403, post(inbox.resolve("/inbox/approvals/" + id + "/approve"), Map.of("comment", "x")).statusCode());
        answer = post(inbox.resolve("/inbox/approvals/" + id + "/approve"), Map.of("csrf", csrf, "comment", "ok"));
        assertEquals(303, answer.statusCode(), answer.body());
        given().auth().oauth2(agent).get("/v1/approvals/" + id).then().statusCode(200)
                .body("status", equalTo("APPROVED"))
                .body("votes[0].voter", equalTo("sec-7@example.com"))
                .body("votes[0].channel", equalTo("inbox"));

        // The inbox is not reachable with an API token.
        given().redirects().follow(false).auth().oauth2(OidcServerResource.apiToken("sec-7@example.com", "human", List.of("security")))
                .get("/inbox").then().statusCode(302);
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return browser.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI uri, Map<String, String> form) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return browser.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI location(URI from, HttpResponse<?> answer) {
        return from.resolve(answer.headers().firstValue("Location").orElseThrow());
    }
}

package io.countersign.inbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.countersign.identity.LocalTokens;
import io.countersign.identity.TestTokens;
import io.restassured.response.Response;

/** Requests to decide, sign-in links and signed-in sessions for the inbox tests, over real HTTP. */
final class InboxFixture {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    /** A signed-in browser: its session cookie and the CSRF token its forms carry. */
    record Session(String cookie, String csrf) {
    }

    private InboxFixture() {
    }

    /**
     * A privilege grant asked for by agent {@code agent} on behalf of olivia@example.com: approval by
     * {@code security}, one vote outside production (two in production).
     */
    static String requestApproval(String agent, String environment, String reason, String artifactLink) {
        String body = """
                {"action": "iam.role.assign",
                 "resource": {"type": "iam-role", "id": "%s", "environment": "%s", "classification": "internal",
                              "attributes": {"principal": "dana@example.com"}},
                 "onBehalfOf": "olivia@example.com",
                 "context": {"reason": %s, "ticket": "SEC-42",
                             "artifact": {"type": "diff", "digest": "sha256:abc", "summary": "+admin", "link": %s}}}"""
                .formatted("role-" + UUID.randomUUID(), environment, json(reason), json(artifactLink));
        return given().auth().oauth2(TestTokens.agent(agent)).contentType("application/json").body(body)
                .post("/v1/decisions").then().statusCode(200).extract().path("approval.id");
    }

    static String requestApproval(String agent) {
        return requestApproval(agent, "staging", "on-call rotation", "https://git.example/pr/1");
    }

    /** A sign-in link's token for a person, as ./countersign sign-in-link mints it. */
    static String link(String subject, String... groups) {
        return new LocalTokens(LocalTokens.key(TestTokens.DATA_DIR), TestTokens.ISSUER, SignInLinks.DEFAULT_AUDIENCE)
                .mint(subject, "human", List.of(groups), Duration.ofMinutes(10));
    }

    /** Opens the link's page and presses its button; the answer to the POST. */
    static Response useLink(String token) {
        Response page = given().redirects().follow(false).queryParam("token", token).get("/inbox/sign-in");
        String nonce = page.getCookie(SignInResource.FORM_COOKIE);
        String csrf = csrf(page.asString());
        return given().redirects().follow(false).cookie(SignInResource.FORM_COOKIE, nonce)
                .formParam("token", token).formParam("csrf", csrf).post("/inbox/sign-in");
    }

    static Session signIn(String subject, String... groups) {
        Response signedIn = useLink(link(subject, groups));
        assertEquals(303, signedIn.statusCode(), signedIn.asString());
        String cookie = signedIn.getCookie(InboxSessions.COOKIE);
        assertNotNull(cookie);
        String inbox = given().cookie(InboxSessions.COOKIE, cookie).get("/inbox").then().statusCode(200).extract().asString();
        return new Session(cookie, csrf(inbox));
    }

    static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertTrue(m.find(), "a form with a CSRF token in: " + html);
        return m.group(1);
    }

    /** The votes on a request, as an auditor reads them through the API. */
    static List<String> voters(String approvalId) {
        return given().auth().oauth2(TestTokens.auditor()).get("/v1/approvals/" + approvalId).then().statusCode(200)
                .extract().path("votes.voter");
    }

    static String status(String approvalId) {
        return given().auth().oauth2(TestTokens.auditor()).get("/v1/approvals/" + approvalId).then().statusCode(200)
                .extract().path("status");
    }

    private static String json(String text) {
        return text == null ? "null" : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

package io.countersign.inbox;

import static io.countersign.inbox.InboxFixture.link;
import static io.countersign.inbox.InboxFixture.requestApproval;
import static io.countersign.inbox.InboxFixture.signIn;
import static io.countersign.inbox.InboxFixture.status;
import static io.countersign.inbox.InboxFixture.useLink;
import static io.countersign.inbox.InboxFixture.voters;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.countersign.identity.LocalTokens;
import io.countersign.identity.TestTokens;
import io.countersign.inbox.InboxFixture.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The web inbox over real HTTP on the embedded default: sign-in links, sessions, CSRF, votes and escaping. */
@QuarkusTest
class InboxTest {
    private static RequestSpecification as(Session session) {
        return given().redirects().follow(false).cookie(InboxSessions.COOKIE, session.cookie());
    }

    private static Response post(Session session, String path, String csrf, String comment) {
        RequestSpecification request = as(session).contentType("application/x-www-form-urlencoded; charset=UTF-8");
        if (csrf != null) {
            request.formParam("csrf", csrf);
        }
        if (comment != null) {
            request.formParam("comment", comment);
        }
        return request.post(path);
    }

    @Test
    void aSignInLinkWorksOnceAndAGetDoesNotUseItUp() {
        String token = link("sec-1@example.com", "security");
        // Previewers GET the link: it shows a button and stays usable.
        given().queryParam("token", token).get("/inbox/sign-in").then().statusCode(200)
                .body(containsString("Sign in as sec-1@example.com"));
        Response first = useLink(token);
        assertEquals(303, first.statusCode());
        assertEquals("/inbox", java.net.URI.create(first.header("Location")).getPath());
        String setCookie = first.headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(InboxSessions.COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/inbox"),
                setCookie);

        Response second = useLink(token);
        assertEquals(400, second.statusCode());
        assertTrue(second.asString().contains("used already"), second.asString());
        assertEquals(null, second.getCookie(InboxSessions.COOKIE));
    }

    @Test
    void expiredOverlongAndForeignLinksAreRefused() {
        LocalTokens local = new LocalTokens(LocalTokens.key(TestTokens.DATA_DIR), TestTokens.ISSUER, SignInLinks.DEFAULT_AUDIENCE);
        Map<String, Object> expired = claims("sec-1@example.com");
        expired.put("iat", Instant.now().getEpochSecond() - 900);
        expired.put("exp", Instant.now().getEpochSecond() - 120);
        refused(local.sign(Map.of("alg", "RS256", "typ", "JWT"), expired), "expired");

        Map<String, Object> overlong = claims("sec-1@example.com");
        overlong.put("exp", Instant.now().getEpochSecond() + 3600);
        refused(local.sign(Map.of("alg", "RS256", "typ", "JWT"), overlong), "longer than 15 minutes");

        Map<String, Object> agent = claims("robo");
        agent.put("caller_type", "agent");
        refused(local.sign(Map.of("alg", "RS256", "typ", "JWT"), agent), "must name a person");

        Map<String, Object> noJti = claims("sec-1@example.com");
        noJti.remove("jti");
        refused(local.sign(Map.of("alg", "RS256", "typ", "JWT"), noJti), "not valid");

        // signed by another key
        LocalTokens stranger = new LocalTokens(io.countersign.keys.KeyFiles.loadOrCreate(
                java.nio.file.Path.of("target/test-data/stranger-" + UUID.randomUUID() + ".pem"), "RSA"),
                TestTokens.ISSUER, SignInLinks.DEFAULT_AUDIENCE);
        refused(stranger.mint("sec-1@example.com", "human", List.of("security"), java.time.Duration.ofMinutes(5)), "not valid");
    }

    @Test
    void anApiTokenIsNotASignInLinkAndASignInLinkIsNotAnApiToken() {
        refused(TestTokens.token("sec-1@example.com", "human", "security"), "not a sign-in link");
        given().auth().oauth2(link("sec-1@example.com", "security")).get("/v1/whoami").then().statusCode(401);
        given().auth().oauth2(link("sec-1@example.com", "security")).get("/v1/approvals").then().statusCode(401);
        // and a bearer token does not open the inbox
        given().redirects().follow(false).auth().oauth2(TestTokens.token("sec-1@example.com", "human", "security"))
                .get("/inbox").then().statusCode(303).header("Location", endsWith("/inbox/sign-in"));
    }

    @Test
    void tamperedExpiredAndSignedOutCookiesAreRefused() {
        Session session = signIn("sec-1@example.com", "security");
        as(session).get("/inbox").then().statusCode(200).body(containsString("sec-1@example.com"));

        // groups changed in the payload: the MAC no longer matches
        String[] parts = session.cookie().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[0])).replace("\"security\"", "\"break-glass\"");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[1];
        as(new Session(forged, session.csrf())).get("/inbox").then().statusCode(303)
                .header("Location", endsWith("/inbox/sign-in"));
        as(new Session(session.cookie() + "x", session.csrf())).get("/inbox").then().statusCode(303);
        as(new Session("garbage", session.csrf())).get("/inbox/history").then().statusCode(303);

        // signing out ends the session for good, even for a copy of the cookie
        Response out = post(session, "/inbox/sign-out", session.csrf(), null);
        assertEquals(200, out.statusCode());
        assertTrue(out.headers().getValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(InboxSessions.COOKIE + "=;")
                || c.contains("Max-Age=0")), out.headers().toString());
        as(session).get("/inbox").then().statusCode(303).header("Location", endsWith("/inbox/sign-in"));
    }

    @Test
    void aFormWithoutTheSessionsTokenOrFromAnotherSiteDoesNothing() {
        String id = requestApproval("csrf-bot-" + UUID.randomUUID());
        Session session = signIn("sec-1@example.com", "security");
        Session other = signIn("sec-2@example.com", "security");
        String path = "/inbox/approvals/" + id + "/approve";

        post(session, path, null, null).then().statusCode(403).contentType(containsString("text/html"));
        post(session, path, "not-the-token", null).then().statusCode(403);
        post(session, path, other.csrf(), null).then().statusCode(403);
        as(session).header("Origin", "https://evil.example").contentType("application/x-www-form-urlencoded")
                .formParam("csrf", session.csrf()).post(path).then().statusCode(403);
        as(session).header("Referer", "https://evil.example/page").contentType("application/x-www-form-urlencoded")
                .formParam("csrf", session.csrf()).post(path).then().statusCode(403);
        // a sign-out without the token does not sign out
        post(session, "/inbox/sign-out", null, null).then().statusCode(403);
        as(session).get("/inbox").then().statusCode(200);
        assertEquals(List.of(), voters(id));
        assertEquals("PENDING", status(id));
    }

    @Test
    void theRequesterAndThePersonItActsForCannotApprove() {
        String agent = "self-bot-" + UUID.randomUUID();
        String id = requestApproval(agent);
        Session olivia = signIn("olivia@example.com", "security");
        as(olivia).get("/inbox").then().statusCode(200).body(not(containsString(id)));
        post(olivia, "/inbox/approvals/" + id + "/approve", olivia.csrf(), "fine by me").then().statusCode(403)
                .contentType(containsString("text/html"))
                .body(containsString("You cannot decide this request"));

        Session requester = signIn(agent.toUpperCase(), "security");
        post(requester, "/inbox/approvals/" + id + "/approve", requester.csrf(), null).then().statusCode(403)
                .body(containsString("You cannot decide this request"));
        assertEquals(List.of(), voters(id));
    }

    @Test
    void someoneOutsideTheGroupNeitherSeesNorVotes() {
        String id = requestApproval("outsider-bot-" + UUID.randomUUID());
        Session sam = signIn("sam@example.com", "sre");
        as(sam).get("/inbox").then().statusCode(200).body(not(containsString(id)));
        as(sam).get("/inbox/approvals/" + id).then().statusCode(404).contentType(containsString("text/html"));
        post(sam, "/inbox/approvals/" + id + "/approve", sam.csrf(), null).then().statusCode(404);
        assertEquals(List.of(), voters(id));
    }

    @Test
    void aDenialNeedsAComment() {
        String id = requestApproval("deny-bot-" + UUID.randomUUID());
        Session session = signIn("sec-1@example.com", "security");
        post(session, "/inbox/approvals/" + id + "/deny", session.csrf(), "   ").then().statusCode(400)
                .contentType(containsString("text/html"))
                .body(containsString("id=\"deny-error\""))
                .body(containsString("a denial needs a comment"));
        assertEquals(List.of(), voters(id));

        post(session, "/inbox/approvals/" + id + "/deny", session.csrf(), "not during the freeze").then().statusCode(303);
        assertEquals("DENIED", status(id));
        as(session).get("/inbox/history").then().statusCode(200).body(containsString(id)).body(containsString("DENIED"));
    }

    @Test
    void anApprovalLeavesTheInboxAndAppearsInHistory() {
        String id = requestApproval("approve-bot-" + UUID.randomUUID());
        Session session = signIn("sec-2@example.com", "security");
        as(session).get("/inbox").then().statusCode(200).body(containsString("/inbox/approvals/" + id));
        as(session).get("/inbox/approvals/" + id).then().statusCode(200)
                .body(containsString("olivia@example.com"))
                .body(containsString("iam.escalation.for-other"))
                .body(containsString("SEC-42"))
                .body(containsString("left"));

        post(session, "/inbox/approvals/" + id + "/approve", session.csrf(), "checked the ticket").then().statusCode(303)
                .header("Location", endsWith("/inbox?voted=" + id));
        assertEquals("APPROVED", status(id));
        given().auth().oauth2(TestTokens.auditor()).get("/v1/approvals/" + id).then()
                .body("votes[0].channel", equalTo("inbox")).body("votes[0].voter", equalTo("sec-2@example.com"));
        as(session).get("/inbox").then().statusCode(200).body(not(containsString("/inbox/approvals/" + id + "\"")));
        as(session).get("/inbox/history").then().statusCode(200).body(containsString(id)).body(containsString("APPROVED"))
                .body(containsString("sec-2@example.com"));
        // a second vote on the decided request is refused on the page
        Session late = signIn("sec-1@example.com", "security");
        post(late, "/inbox/approvals/" + id + "/deny", late.csrf(), "too late").then().statusCode(409)
                .body(containsString("no longer waiting"));
    }

    @Test
    void requestTextIsEscapedAndOnlyHttpLinksAreLinks() {
        String id = requestApproval("xss-bot-" + UUID.randomUUID(), "staging", "<script>alert('x')</script> & <b>bold</b>",
                "javascript:alert(1)");
        Session session = signIn("sec-1@example.com", "security");
        for (String page : List.of("/inbox", "/inbox/approvals/" + id)) {
            String html = as(session).get(page).then().statusCode(200).extract().asString();
            assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"), html);
            assertTrue(!html.contains("<script") && !html.contains("<b>bold"), html);
        }
        String detail = as(session).get("/inbox/approvals/" + id).asString();
        assertTrue(detail.contains("javascript:alert(1)"), "the link is shown as text");
        assertTrue(!detail.contains("href=\"javascript:"), detail);
    }

    @Test
    void inboxPagesCarryTheSecurityHeaders() {
        Session session = signIn("sec-1@example.com", "security");
        for (Response answer : List.of(as(session).get("/inbox"), given().get("/inbox/sign-in"),
                as(session).get("/inbox/approvals/" + UUID.randomUUID()))) {
            answer.then()
                    .header("Content-Security-Policy", equalTo(InboxHttp.CSP))
                    .header("X-Frame-Options", "DENY")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Cache-Control", "no-store");
        }
        given().get("/inbox/inbox.css").then().statusCode(200).contentType(containsString("text/css"));
    }

    @Test
    void nobodySignedInIsSentToSignIn() {
        for (String path : List.of("/inbox", "/inbox/history", "/inbox/approvals/" + UUID.randomUUID())) {
            given().redirects().follow(false).get(path).then().statusCode(303).header("Location", endsWith("/inbox/sign-in"));
        }
        given().get("/inbox/sign-in").then().statusCode(401).body(containsString("./countersign sign-in-link"));
    }

    private static void refused(String token, String why) {
        Response page = given().queryParam("token", token).get("/inbox/sign-in");
        assertEquals(400, page.statusCode(), page.asString());
        assertTrue(page.asString().contains(why), page.asString());
        Response used = useLinkDirectly(token);
        assertEquals(400, used.statusCode(), used.asString());
        assertEquals(null, used.getCookie(InboxSessions.COOKIE));
    }

    /** Posts a token with a valid pre-sign-in form binding taken from a good link's page. */
    private static Response useLinkDirectly(String token) {
        Response page = given().queryParam("token", link("someone@example.com", "security")).get("/inbox/sign-in");
        return given().redirects().follow(false).cookie(SignInResource.FORM_COOKIE, page.getCookie(SignInResource.FORM_COOKIE))
                .formParam("token", token).formParam("csrf", InboxFixture.csrf(page.asString())).post("/inbox/sign-in");
    }

    private static Map<String, Object> claims(String subject) {
        Map<String, Object> claims = TestTokens.claims(subject);
        claims.put("aud", SignInLinks.DEFAULT_AUDIENCE);
        claims.put("caller_type", "human");
        claims.put("groups", List.of("security"));
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }
}

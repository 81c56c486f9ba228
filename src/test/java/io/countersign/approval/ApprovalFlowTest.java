package io.countersign.approval;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.audit.LogReader;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** The acceptance story, end to end over HTTP with real tokens. */
@QuarkusTest
class ApprovalFlowTest {
    @Inject
    LogReader log;

    static String grant(String roleOwner, String resourceId) {
        return """
                {"action": "iam.role.assign",
                 "resource": {"type": "iam-role", "id": "%s", "environment": "production",
                              "attributes": {"principal": "%s"}},
                 "onBehalfOf": "olivia@example.com",
                 "context": {"reason": "on-call rotation", "ticket": "SEC-42",
                             "artifact": {"type": "diff", "digest": "sha256:abc", "summary": "+admin", "link": "https://git.example/pr/1"}}}"""
                .formatted(resourceId, roleOwner);
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType("application/json");
    }

    @Test
    void theWholeStory() {
        String agentId = "iam-bot-" + UUID.randomUUID();
        String agent = TestTokens.agent(agentId);
        String body = grant("dana@example.com", "admin-" + UUID.randomUUID());

        // agent asks → REQUIRE_APPROVAL, quorum 2 of security
        String approvalId = as(agent).body(body).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("REQUIRE_APPROVAL"))
                .body("approval.quorum", equalTo(2))
                .body("approval.approverGroups", hasItem("security"))
                .extract().path("approval.id");

        // asking again for the same pending action gives the same request back
        as(agent).body(body).post("/v1/decisions").then().statusCode(200).body("approval.id", equalTo(approvalId));

        // the requester's own vote is refused (the same identity, even as a human in the right group)
        as(TestTokens.token(agentId.toUpperCase(), "human", "security")).body("{}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("self_approval"));
        // the onBehalfOf human's vote is refused
        as(TestTokens.token("olivia@example.com", "human", "security")).body("{\"comment\": \"fine by me\"}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(403).body("code", equalTo("self_approval"));
        // a member of the wrong group is refused
        as(TestTokens.token("sam@example.com", "human", "sre")).body("{}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(403).body("code", equalTo("forbidden"));
        // an agent in the right group never votes
        as(TestTokens.token("robo@example.com", "agent", "security")).body("{}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(403);

        // the reviewer sees the full context
        as(TestTokens.token("sec-1@example.com", "human", "security")).get("/v1/approvals/" + approvalId).then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("request.caller.id", equalTo(agentId))
                .body("request.onBehalfOf", equalTo("olivia@example.com"))
                .body("request.action", equalTo("iam.role.assign"))
                .body("request.context.ticket", equalTo("SEC-42"))
                .body("request.context.artifact.link", equalTo("https://git.example/pr/1"))
                .body("request.reasons.rule", hasItem("iam.escalation.for-other"));

        // two members of the right group approve
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{\"comment\": \"checked the ticket\"}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(200).body("status", equalTo("PENDING"));
        // the same person again: already voted
        as(TestTokens.token("SEC-1@example.com", "human", "security")).body("{}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(403).body("code", equalTo("self_approval"));
        as(TestTokens.token("sec-2@example.com", "human", "security")).body("{}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        // a vote on a finished request
        as(TestTokens.token("sec-3@example.com", "human", "security")).body("{\"comment\": \"no\"}")
                .post("/v1/approvals/" + approvalId + "/deny").then().statusCode(409)
                .body("code", equalTo("approval_not_pending")).body("detail", containsString("APPROVED"));

        // another caller cannot use it
        String withApproval = body.replaceFirst("\\{", "{\"approvalId\": \"" + approvalId + "\", ");
        as(TestTokens.agent("other-bot")).body(withApproval).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("DENY")).body("reasons[0].rule", equalTo("approval.invalid"));
        // agent re-asks with approvalId → ALLOW
        as(agent).body(withApproval).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("ALLOW"))
                .body("reasons[0].rule", equalTo("approval.granted"))
                .body("reasons[0].message", containsString("sec-1@example.com"));
        // re-asks again → DENY (used)
        as(agent).body(withApproval).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("DENY")).body("reasons[0].message", containsString("used already"));
        as(TestTokens.auditor()).get("/v1/approvals/" + approvalId).then().body("status", equalTo("CONSUMED"));

        // a changed resource id with a fresh approval → DENY (digest)
        String fresh = as(agent).body(body).post("/v1/decisions").then().statusCode(200).extract().path("approval.id");
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{}").post("/v1/approvals/" + fresh + "/approve");
        as(TestTokens.token("sec-2@example.com", "human", "security")).body("{}").post("/v1/approvals/" + fresh + "/approve")
                .then().body("status", equalTo("APPROVED"));
        String changed = grant("dana@example.com", "other-role").replaceFirst("\\{", "{\"approvalId\": \"" + fresh + "\", ");
        as(agent).body(changed).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("DENY")).body("reasons[0].message", containsString("different action"));

        // and the log verifies afterwards
        as(TestTokens.auditor()).get("/v1/log/verify").then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void oneDenyDecidesAndNeedsAComment() {
        String agent = TestTokens.agent("deny-bot-" + UUID.randomUUID());
        String id = as(agent).body(grant("erin@example.com", "r-" + UUID.randomUUID())).post("/v1/decisions")
                .then().extract().path("approval.id");
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{}").post("/v1/approvals/" + id + "/deny")
                .then().statusCode(400).body("field", equalTo("comment"));
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{\"comment\": \"" + "x".repeat(2001) + "\"}")
                .post("/v1/approvals/" + id + "/deny").then().statusCode(400).body("field", equalTo("comment"));
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{\"comment\": \"not during the freeze\"}")
                .post("/v1/approvals/" + id + "/deny").then().statusCode(200).body("status", equalTo("DENIED"))
                .body("votes[0].comment", equalTo("not during the freeze"));
    }

    @Test
    void askingAgainAfterADenialOpensANewRequestAndConcurrentAsksShareOne() throws Exception {
        String agent = TestTokens.agent("again-bot-" + UUID.randomUUID());
        String body = grant("hal@example.com", "r-" + UUID.randomUUID());
        String first = as(agent).body(body).post("/v1/decisions").then().extract().path("approval.id");
        as(agent).body(body).post("/v1/decisions").then().body("approval.id", equalTo(first));
        as(TestTokens.token("sec-2@example.com", "human", "security")).body("{\"comment\": \"no\"}")
                .post("/v1/approvals/" + first + "/deny").then().statusCode(200);

        // the denied request is not handed out again: the next ask opens a new one, and it is pending
        String second = as(agent).body(body).post("/v1/decisions").then().statusCode(200)
                .body("approval.status", equalTo("PENDING")).extract().path("approval.id");
        org.junit.jupiter.api.Assertions.assertNotEquals(first, second);
        as(agent).get("/v1/approvals/" + second).then().statusCode(200).body("status", equalTo("PENDING"));

        // many asks at once for a new action open exactly one request between them
        String other = grant("hal@example.com", "r-" + UUID.randomUUID());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<String>> asks = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                asks.add(pool.submit(() -> as(agent).body(other).post("/v1/decisions").then().statusCode(200)
                        .extract().<String> path("approval.id")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (java.util.concurrent.Future<String> ask : asks) {
                ids.add(ask.get());
            }
            org.junit.jupiter.api.Assertions.assertEquals(1, ids.size(), "requests opened: " + ids);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownRequestsAreNotFoundAndOutsidersSeeNothing() {
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{}")
                .post("/v1/approvals/" + UUID.randomUUID() + "/approve").then().statusCode(404).body("code", equalTo("not_found"));
        String id = as(TestTokens.agent("peek-bot")).body(grant("fay@example.com", "r-" + UUID.randomUUID()))
                .post("/v1/decisions").then().extract().path("approval.id");
        as(TestTokens.token("nosy@example.com", "human", "sre")).get("/v1/approvals/" + id).then().statusCode(404);
        as(TestTokens.agent("peek-bot")).get("/v1/approvals/" + id).then().statusCode(200);
        as(TestTokens.token("sec-9@example.com", "human", "security")).get("/v1/approvals").then().statusCode(200)
                .body("approvals.id", hasItem(id));
        as(TestTokens.token("nosy@example.com", "human", "sre")).get("/v1/approvals").then().statusCode(200)
                .body("approvals.id", not(hasItem(id)));
    }

    static Stream<Arguments> idsNoRowHas() {
        return Stream.of(
                Arguments.of("a NUL in a lookalike of an id", "0%001a2006a-e356-7af2-be0d-ebad58ba1b29"),
                Arguments.of("a NUL alone", "%00"),
                Arguments.of("an encoded surrogate (invalid UTF-8)", "%ED%A0%80"),
                Arguments.of("a right-to-left override", "%E2%80%AE01a2006a-e356"),
                Arguments.of("longer than any id", "0".repeat(2_000)));
    }

    /** On PostgreSQL a NUL in the id failed the query: a 500 for a read, and a 503 for a vote along with every other entry of its batch. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("idsNoRowHas")
    void anIdNoRowCanHaveIsNotFoundAndLogsNothing(String note, String segment) {
        long before = log.head().sequence();
        String security = TestTokens.token("sec-1@example.com", "human", "security");
        as(security).urlEncodingEnabled(false).body("{\"comment\": \"no\"}").post("/v1/approvals/" + segment + "/deny")
                .then().statusCode(404).body("code", equalTo("not_found"));
        as(security).urlEncodingEnabled(false).get("/v1/approvals/" + segment).then().statusCode(404).body("code", equalTo("not_found"));
        as(TestTokens.agent("peek-bot")).urlEncodingEnabled(false).get("/v1/decisions/" + segment)
                .then().statusCode(404).body("code", equalTo("not_found"));
        assertEquals(before, log.head().sequence(), "nothing is logged");
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theRequesterCancelsAndNoOneElseCan() {
        String agent = TestTokens.agent("cancel-bot");
        String id = as(agent).body(grant("gil@example.com", "r-" + UUID.randomUUID())).post("/v1/decisions")
                .then().extract().path("approval.id");
        as(TestTokens.agent("someone-else")).post("/v1/approvals/" + id + "/cancel").then().statusCode(403);
        as(agent).post("/v1/approvals/" + id + "/cancel").then().statusCode(200).body("status", equalTo("CANCELLED"));
        as(agent).post("/v1/approvals/" + id + "/cancel").then().statusCode(409);
    }
}

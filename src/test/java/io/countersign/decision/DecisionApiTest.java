package io.countersign.decision;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.countersign.approval.ApprovalRecord;
import io.countersign.approval.ApprovalStatus;
import io.countersign.audit.LogReader;
import io.countersign.identity.TestTokens;
import io.countersign.policy.api.Caller;
import io.countersign.policy.api.Request;
import io.countersign.policy.api.Resource;
import io.countersign.policy.api.RequestContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
class DecisionApiTest {
    static final String EXPORT = TestRequests.EXPORT;

    @Inject
    LogReader log;
    @Inject
    DataSource dataSource;

    @Test
    void aRequiredApprovalIsAnsweredWithItsReasonsAndAPendingApproval() {
        long before = log.head().sequence();
        ExtractableResponse<Response> answer = given().auth().oauth2(TestTokens.agent("etl-bot")).body(EXPORT)
                .when().post("/v1/decisions")
                .then().statusCode(200).contentType("application/json")
                .body("outcome", equalTo("REQUIRE_APPROVAL"))
                .body("reasons.rule", contains("data.export.confidential-production"))
                .body("reasons[0].controls", hasItem("SOC2:CC6.7"))
                .body("reasons[0].message", notNullValue())
                .body("decisionId", matchesPattern("[0-9a-f-]{36}"))
                .body("policyVersion", matchesPattern("sha256:[0-9a-f]{64}"))
                .body("approval.status", equalTo("PENDING"))
                .body("approval.approverGroups", contains("data-governance"))
                .body("approval.quorum", equalTo(1))
                .extract();

        Request asked = new Request("aws.s3.export", new Caller("etl-bot", "agent", List.of("agent")), "alice@example.com",
                new Resource("s3-bucket", "customer-data", "production", "confidential",
                        java.util.Map.of("destination", "s3://corp-analytics-exports")),
                RequestContext.NONE);
        assertEquals(ActionDigest.of(asked), answer.path("actionDigest"), "the digest binds what was asked, by whom");

        String approvalId = answer.path("approval.id");
        ApprovalRecord pending = QuarkusTransaction.requiringNew().call(() -> ApprovalRecord.findById(approvalId));
        assertNotNull(pending, "the pending approval is recorded with the decision");
        assertEquals(ApprovalStatus.PENDING, pending.status);
        assertEquals("etl-bot", pending.requesterId);
        assertEquals("alice@example.com", pending.onBehalfOf);
        assertEquals(answer.<String> path("actionDigest"), pending.actionDigest);
        assertEquals(Instant.parse(answer.path("approval.expiresAt")), pending.expiresAt);
        assertEquals(Duration.ofHours(4), Duration.between(pending.createdAt, pending.expiresAt));
        assertEquals(before + 1, log.head().sequence(), "one decision, one log entry");
    }

    @Test
    void anAllowHasNoApproval() {
        String answered = given().auth().oauth2(TestTokens.agent("reader-bot"))
                .body("{\"action\": \"aws.s3.list\", \"resource\": {\"type\": \"s3-bucket\", \"id\": \"customer-data\"}}")
                .when().post("/v1/decisions")
                .then().statusCode(200).body("outcome", equalTo("ALLOW")).body("approval", nullValue()).extract().asString();
        String id = JsonPath.from(answered).getString("decisionId");
        assertEquals(answered, given().auth().oauth2(TestTokens.auditor()).when().get("/v1/decisions/" + id)
                .then().statusCode(200).extract().asString(), "the answer read back is the one given, byte for byte");
        assertNull(QuarkusTransaction.requiringNew().call(() -> DecisionRecord.findById(id)),
                "a decision without an Idempotency-Key has no row: its log entry is found by its id");
    }

    @Test
    void anEntryAnswersOnlyForTheIdInItsOwnBodyWhateverTheColumnBesideItSays() throws Exception {
        String token = TestTokens.agent("column-bot");
        String first = JsonPath.from(given().auth().oauth2(token).body(EXPORT).when().post("/v1/decisions")
                .then().statusCode(200).extract().asString()).getString("decisionId");
        String second = given().auth().oauth2(token).body(EXPORT).when().post("/v1/decisions")
                .then().statusCode(200).extract().asString();
        String secondId = JsonPath.from(second).getString("decisionId");
        long firstSequence = sequenceOf(first);
        // The column is not covered by the hash: someone with database access points the earlier entry at the later id.
        setDecisionColumn(firstSequence, secondId);
        try {
            assertEquals(second, given().auth().oauth2(TestTokens.auditor()).when().get("/v1/decisions/" + secondId)
                    .then().statusCode(200).extract().asString(), "the entry whose own decisionId it is answers");
            given().auth().oauth2(token).when().get("/v1/decisions/" + first).then().statusCode(404);
        } finally {
            setDecisionColumn(firstSequence, first);
        }
        given().auth().oauth2(token).when().get("/v1/decisions/" + first).then().statusCode(200)
                .body("decisionId", equalTo(first));
    }

    @Test
    void anotherKindOfEntryNeverAnswersForADecisionWhateverTheColumnSays() throws Exception {
        String token = TestTokens.agent("approval-column-bot");
        JsonPath asked = JsonPath.from(given().auth().oauth2(token).body(EXPORT).when().post("/v1/decisions")
                .then().statusCode(200).body("outcome", equalTo("REQUIRE_APPROVAL")).extract().asString());
        String decisionId = asked.getString("decisionId");
        // Cancelling appends an approval entry, whose body names the decision too.
        given().auth().oauth2(token).when().post("/v1/approvals/" + asked.getString("approval.id") + "/cancel")
                .then().statusCode(200);
        long approvalEntry = log.head().sequence();
        assertTrue(log.page(approvalEntry - 1, approvalEntry, 1).get(0).text().contains(decisionId));
        long decisionEntry = sequenceOf(decisionId);
        setDecisionColumn(decisionEntry, null);
        setDecisionColumn(approvalEntry, decisionId);
        try {
            given().auth().oauth2(TestTokens.auditor()).when().get("/v1/decisions/" + decisionId).then().statusCode(404);
        } finally {
            setDecisionColumn(approvalEntry, null);
            setDecisionColumn(decisionEntry, decisionId);
        }
        given().auth().oauth2(token).when().get("/v1/decisions/" + decisionId).then().statusCode(200)
                .body("decisionId", equalTo(decisionId)).body("outcome", equalTo("REQUIRE_APPROVAL"));
    }

    private long sequenceOf(String decisionId) throws SQLException {
        // Read straight from the table: first wait, as every reader of the log does, for the journal's entries.
        log.head();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT sequence FROM log_entry WHERE decision_id = ?")) {
            s.setString(1, decisionId);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "the entry records the decision's id beside it");
                return rs.getLong(1);
            }
        }
    }

    private void setDecisionColumn(long sequence, String decisionId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE log_entry SET decision_id = ? WHERE sequence = ?")) {
            s.setString(1, decisionId);
            s.setLong(2, sequence);
            assertEquals(1, s.executeUpdate());
        }
    }

    @Test
    void onlyAnAnswerWithSurrogatesIsKeptVerbatim() {
        assertTrue(DecisionService.rebuildable("{\"message\":\"caf\u00e9 \u20ac\"}"));
        assertFalse(DecisionService.rebuildable("{\"message\":\"\ud83d\ude00\"}"), "a pair, to be safe");
        assertFalse(DecisionService.rebuildable("{\"message\":\"\ud800\"}"), "an unpaired surrogate does not survive UTF-8");
    }

    @Test
    void theCallerAndAuditorsCanReadADecisionOthersCannot() {
        String answered = given().auth().oauth2(TestTokens.agent("etl-bot")).body(EXPORT)
                .when().post("/v1/decisions").then().statusCode(200).extract().asString();
        String id = JsonPath.from(answered).getString("decisionId");

        String read = given().auth().oauth2(TestTokens.agent("etl-bot")).when().get("/v1/decisions/" + id)
                .then().statusCode(200).body("decisionId", equalTo(id)).body("outcome", equalTo("REQUIRE_APPROVAL"))
                .extract().asString();
        assertEquals(answered, read, "the stored answer is the one given, byte for byte");
        given().auth().oauth2(TestTokens.auditor()).when().get("/v1/decisions/" + id)
                .then().statusCode(200).body("decisionId", equalTo(id));
        given().auth().oauth2(TestTokens.agent("other-bot")).when().get("/v1/decisions/" + id)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        given().auth().oauth2(TestTokens.auditor()).when().get("/v1/decisions/" + UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void theSameIdempotencyKeyAndBodyReplayTheDecisionAndADifferentBodyConflicts() {
        String key = "deploy-" + UUID.randomUUID();
        String token = TestTokens.agent("idem-bot");
        long before = log.head().sequence();
        String answered = given().auth().oauth2(token).header("Idempotency-Key", key).body(EXPORT)
                .when().post("/v1/decisions").then().statusCode(200).header("Idempotent-Replayed", nullValue())
                .extract().asString();
        String first = JsonPath.from(answered).getString("decisionId");
        // Same content, other key order and spacing: the same request.
        String reordered = "{\"onBehalfOf\":\"alice@example.com\",\"context\":{\"ticket\":\"OPS-123\",\"reason\":\"churn analysis\"},"
                + "\"resource\":{\"classification\":\"confidential\",\"environment\":\"production\",\"id\":\"customer-data\","
                + "\"type\":\"s3-bucket\",\"attributes\":{\"destination\":\"s3://corp-analytics-exports\"}},\"action\":\"aws.s3.export\"}";
        String replayed = given().auth().oauth2(token).header("Idempotency-Key", key).body(reordered)
                .when().post("/v1/decisions").then().statusCode(200).header("Idempotent-Replayed", "true")
                .body("decisionId", equalTo(first)).extract().asString();
        assertEquals(answered, replayed, "a replay is the answer given, byte for byte");
        DecisionRecord row = QuarkusTransaction.requiringNew().call(() -> DecisionRecord.findById(first));
        assertEquals(key, row.idempotencyKey, "a keyed decision has a row, for replays to find by its key");
        assertNotNull(row.requestHash, "with the hash of its body, to tell a replay from a conflict");
        assertNull(row.response, "the row does not repeat an answer its log entry gives back");
        given().auth().oauth2(token).header("Idempotency-Key", key).body(EXPORT.replace("churn", "other"))
                .when().post("/v1/decisions").then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("idempotency_key_reused")).body("outcome", nullValue());
        assertEquals(before + 1, log.head().sequence(), "a replay and a conflict add nothing to the log");

        // Keys belong to their caller: another caller's same key is a new decision.
        given().auth().oauth2(TestTokens.agent("other-bot")).header("Idempotency-Key", key).body(EXPORT)
                .when().post("/v1/decisions").then().statusCode(200).header("Idempotent-Replayed", nullValue());
    }

    @Test
    void concurrentRequestsWithOneKeyMakeOneDecision() throws Exception {
        String key = "race-" + UUID.randomUUID();
        String token = TestTokens.agent("race-bot");
        // Replays in the batch that appends the decision, and in later ones: every caller gets the same text.
        List<java.util.concurrent.Callable<String>> calls = java.util.Collections.nCopies(8,
                () -> given().auth().oauth2(token).header("Idempotency-Key", key).body(EXPORT)
                        .when().post("/v1/decisions").then().statusCode(200).extract().asString());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<String> ids = new java.util.ArrayList<>();
            for (var f : pool.invokeAll(calls)) {
                ids.add(f.get());
            }
            assertEquals(1, ids.stream().distinct().count(), "every caller got the one decision, byte for byte: " + ids);
        } finally {
            pool.shutdown();
        }
    }
}

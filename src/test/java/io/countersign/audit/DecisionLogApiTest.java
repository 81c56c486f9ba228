package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.countersign.canonical.CanonicalJson;
import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class DecisionLogApiTest {
    @Inject
    LogReader reader;
    @Inject
    DataSource dataSource;

    @Test
    void anEntryRecordsWhoAskedWhatAndTheAnswerAndChainsToTheOneBefore() {
        String decisionId = decide("log-bot");
        long head = reader.head().sequence();
        JsonPath page = given().auth().oauth2(TestTokens.auditor())
                .queryParam("afterSequence", head - 1).queryParam("limit", 10)
                .when().get("/v1/log").then().statusCode(200).extract().jsonPath();
        assertEquals(1, page.getList("entries").size());
        assertEquals(head, page.getLong("next"));
        Map<String, Object> body = page.getMap("entries[0].body");
        assertEquals("decision", body.get("kind"));
        assertEquals((int) head, body.get("sequence"));
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) body.get("entry");
        assertEquals(decisionId, entry.get("decisionId"));
        assertEquals(Map.of("id", "log-bot", "type", "agent", "groups", List.of("agent")), entry.get("caller"));
        assertEquals("REQUIRE_APPROVAL", entry.get("outcome"));
        assertTrue(((String) entry.get("policyVersion")).startsWith("sha256:"));
        assertEquals("aws.s3.export", ((Map<?, ?>) entry.get("request")).get("action"));

        // The reader can recompute the link from what the page gives: hash = SHA-256(prevHash || body).
        byte[] canonical = CanonicalJson.bytes(body);
        byte[] prev = HexFormat.of().parseHex(page.getString("entries[0].prevHash").substring(7));
        assertEquals(page.getString("entries[0].hash"), "sha256:" + HexFormat.of().formatHex(HashChain.link(prev, canonical)));
    }

    @Test
    void pagingWalksTheWholeLogInOrder() {
        for (int i = 0; i < 3; i++) {
            decide("pager-bot");
        }
        long head = reader.head().sequence();
        long after = 0;
        long expected = 1;
        while (true) {
            JsonPath page = given().auth().oauth2(TestTokens.auditor()).queryParam("afterSequence", after)
                    .queryParam("limit", 2).when().get("/v1/log").then().statusCode(200).extract().jsonPath();
            List<Integer> sequences = page.getList("entries.sequence");
            if (sequences.isEmpty()) {
                break;
            }
            for (int s : sequences) {
                assertEquals(expected++, s);
            }
            after = page.getLong("next");
        }
        assertTrue(expected - 1 >= head, "every entry up to the head was paged");
    }

    @Test
    void onlyAuditorsReadTheLogAndParametersAreChecked() {
        given().auth().oauth2(TestTokens.agent("nosy-bot")).when().get("/v1/log").then().statusCode(403);
        given().auth().oauth2(TestTokens.agent("nosy-bot")).when().get("/v1/log/verify").then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).queryParam("limit", 5000).when().get("/v1/log")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("limit"));
        given().auth().oauth2(TestTokens.auditor()).queryParam("afterSequence", "abc").when().get("/v1/log")
                .then().statusCode(400).body("field", equalTo("afterSequence"));
    }

    @Test
    void verificationFindsTheFirstChangedEntryAndACheckpointPinsTheHead() throws Exception {
        decide("verify-bot");
        given().auth().oauth2(TestTokens.auditor()).when().post("/v1/log/checkpoints").then().statusCode(200)
                .body("sequence", equalTo((int) reader.head().sequence()));
        given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify").then().statusCode(200)
                .body("valid", equalTo(true)).body("firstBrokenSequence", nullValue())
                .body("checkpointsChecked", greaterThanOrEqualTo(1));

        long target = reader.head().sequence();
        String original = reader.page(target - 1, target, 1).get(0).text();
        String forged = original.replace("\"REQUIRE_APPROVAL\"", "\"ALLOW\"");
        assertFalse(original.equals(forged));
        update(target, forged);
        try {
            given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify").then().statusCode(200)
                    .body("valid", equalTo(false))
                    .body("firstBrokenSequence", equalTo((int) target))
                    .body("problem", containsString("was changed"));
        } finally {
            update(target, original);
        }
        given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify").then().body("valid", equalTo(true));
    }

    @Test
    void cuttingEntriesOffTheEndIsCaughtByALaterCheckpoint() throws Exception {
        decide("cut-bot");
        decide("cut-bot");
        long head = reader.head().sequence();
        given().auth().oauth2(TestTokens.auditor()).when().post("/v1/log/checkpoints").then().statusCode(200);
        LogReader.StoredEntry last = reader.page(head - 1, head, 1).get(0);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT hash FROM chain_head WHERE id = 1 FOR UPDATE");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM log_entry WHERE sequence = ?");
                    PreparedStatement rewind = c.prepareStatement("UPDATE chain_head SET sequence = ?, hash = ? WHERE id = 1")) {
                lock.executeQuery().close();
                delete.setLong(1, head);
                delete.executeUpdate();
                rewind.setLong(1, head - 1);
                rewind.setString(2, last.prevHash());
                rewind.executeUpdate();
                c.commit();
                given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify").then().statusCode(200)
                        .body("valid", equalTo(false))
                        .body("checkpointProblems[0]", containsString("beyond the head"));
            } finally {
                try (PreparedStatement restore = c.prepareStatement(
                        "INSERT INTO log_entry (sequence, recorded_at, kind, body, prev_hash, hash) "
                                + "SELECT ?, CURRENT_TIMESTAMP, 'decision', ?, ?, ? FROM chain_head WHERE id = 1");
                        PreparedStatement forward = c.prepareStatement("UPDATE chain_head SET sequence = ?, hash = ? WHERE id = 1")) {
                    restore.setLong(1, head);
                    restore.setBytes(2, last.body());
                    restore.setString(3, last.prevHash());
                    restore.setString(4, last.hash());
                    restore.executeUpdate();
                    forward.setLong(1, head);
                    forward.setString(2, last.hash());
                    forward.executeUpdate();
                    c.commit();
                }
            }
        }
        given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify").then().body("valid", equalTo(true));
    }

    @Test
    void checkpointsAreTakenOnASchedule() throws InterruptedException {
        decide("scheduled-bot");
        long head = reader.head().sequence();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        List<Integer> signed = List.of();
        while (System.nanoTime() < deadline) {
            signed = given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/checkpoints")
                    .then().statusCode(200).extract().jsonPath().getList("checkpoints.sequence");
            if (!signed.isEmpty() && signed.get(signed.size() - 1) >= head) {
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(!signed.isEmpty() && signed.get(signed.size() - 1) >= head,
                "a checkpoint at or after " + head + " within 20 s (every 1 s in tests): " + signed);
    }

    @Test
    void configuredPathsAreMaskedAndTheEntrySaysWhich() {
        String body = "{\"action\": \"aws.s3.export\", \"context\": {\"attributes\": {\"secret-note\": \"the password is hunter2\"}}}";
        given().auth().oauth2(TestTokens.agent("masked-bot")).body(body).when().post("/v1/decisions").then().statusCode(200);
        long head = reader.head().sequence();
        String stored = reader.page(head - 1, head, 1).get(0).text();
        assertFalse(stored.contains("hunter2"), stored);
        assertTrue(stored.contains("\"secret-note\":\"***\""), stored);
        assertTrue(stored.contains("\"masked\":[\"context.attributes.secret-note\"]"), stored);
    }

    @Test
    void aBatchThatCannotBeWrittenLeavesNoRowOfItBehindAndTheLogGoesOnOnceItCanBe() throws Exception {
        // The test database outlives a run: a caller and a key of this run's own.
        String caller = "squatted-bot-" + System.nanoTime();
        String key = "squatted-" + System.nanoTime();
        // A row written behind the service's back (under the chain lock, as a writer would) holds the next
        // sequence number, so the batch's insert fails after the approval it opens was flushed and before
        // the head moves. The keyed decision's row would go in the same statement as the entries.
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT sequence, hash FROM chain_head WHERE id = 1 FOR UPDATE");
                    PreparedStatement squat = c.prepareStatement("INSERT INTO log_entry (sequence, recorded_at, kind, body,"
                            + " prev_hash, hash) VALUES (?, CURRENT_TIMESTAMP, 'squatter', ?, ?, ?)");
                    ResultSet head = lock.executeQuery()) {
                assertTrue(head.next());
                squat.setLong(1, head.getLong(1) + 1);
                squat.setBytes(2, "{}".getBytes(StandardCharsets.UTF_8));
                squat.setString(3, head.getString(2));
                squat.setString(4, head.getString(2));
                squat.executeUpdate();
            }
            c.commit();
        }
        long head = reader.head().sequence();
        try {
            given().auth().oauth2(TestTokens.agent(caller)).header("Idempotency-Key", key).body(TestRequests.EXPORT)
                    .when().post("/v1/decisions")
                    .then().statusCode(503).body("code", equalTo("log_unavailable")).body("outcome", nullValue());
            assertEquals(head, reader.head().sequence(), "the head did not move");
            assertEquals(0, count("SELECT count(*) FROM approval WHERE requester_id = ?", caller), "no approval was opened");
            assertEquals(0, count("SELECT count(*) FROM decision WHERE idempotency_key = ?", key), "no decision row was kept");
        } finally {
            execute("DELETE FROM log_entry WHERE kind = 'squatter'");
        }
        given().auth().oauth2(TestTokens.agent(caller)).header("Idempotency-Key", key).body(TestRequests.EXPORT)
                .when().post("/v1/decisions")
                .then().statusCode(200).body("outcome", equalTo("REQUIRE_APPROVAL"));
        assertEquals(1, count("SELECT count(*) FROM approval WHERE requester_id = ?", caller));
        assertEquals(1, count("SELECT count(*) FROM decision WHERE idempotency_key = ?", key));
        given().auth().oauth2(TestTokens.auditor()).when().get("/v1/log/verify").then().statusCode(200)
                .body("valid", equalTo(true));
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.executeUpdate();
        }
    }

    private long count(String sql, String parameter) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }

    private String decide(String caller) {
        return given().auth().oauth2(TestTokens.agent(caller)).body(TestRequests.EXPORT).when().post("/v1/decisions")
                .then().statusCode(200).extract().path("decisionId");
    }

    private void update(long sequence, String body) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE log_entry SET body = ? WHERE sequence = ?")) {
            s.setBytes(1, body.getBytes(StandardCharsets.UTF_8));
            s.setLong(2, sequence);
            assertEquals(1, s.executeUpdate());
        }
    }
}

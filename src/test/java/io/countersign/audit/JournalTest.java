package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The embedded H2 log's journal, in a service of its own whose applier would wait an hour: a plain decision
 * is answered once it is in the journal, every read of the log sees it all the same, and a journal the disk
 * refuses to flush stops the log until a restart.
 */
@QuarkusTest
@TestProfile(JournalTest.OwnService.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JournalTest {
    public static class OwnService implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // No scheduled checkpoint either: it reads the head, and so applies the journal.
            Map<String, String> settings = new HashMap<>(Map.of("countersign.h2.journal-apply-after", "1h",
                    "countersign.log.append-timeout", "3s", "%test.countersign.log.checkpoint-every", "1h"));
            if (System.getProperty("countersign.test.jdbc-url") == null) {
                // A database of its own: no other test's pending approval expires into the log (a batch with rows,
                // which applies the journal first) while a test looks at what is not yet applied.
                settings.put("countersign.test.jdbc-url", "jdbc:h2:file:./target/test-data/journal-" + UUID.randomUUID()
                        + "/countersign;WRITE_DELAY=0;LOCK_TIMEOUT=10000");
            }
            return settings;
        }
    }

    /** A confidential export to an unapproved destination: DENY, an entry with no row beside it. */
    static final String DENIED = """
            {"action": "aws.s3.export",
             "resource": {"type": "s3-bucket", "id": "customer-data", "environment": "production",
                          "classification": "confidential", "attributes": {"destination": "s3://attacker-bucket"}},
             "onBehalfOf": "alice@example.com", "context": {"reason": "journal test"}}""";

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    @Inject
    DecisionLog log;

    @Inject
    LogReader reader;

    @Test
    @Order(1)
    void aPlainDecisionGoesThroughTheJournalAndEveryReadSeesIt() {
        assumeTrue("h2".equals(dbKind), "the journal is the embedded H2 log's");
        TestDisk disk = new TestDisk(false);
        QuarkusMock.installMockForType(disk, H2Disk.class);
        String id = decide().then().statusCode(200).body("outcome", equalTo("DENY")).extract().path("decisionId");
        assertEquals(1, disk.flushed.get(), "the decision was not made durable by a flush of the journal");
        assertTrue(log.journalBehind() > 0, "the entry was put into the tables before any read asked");
        // The caller, then an auditor paging the log: each read waits for the journal to be applied.
        given().auth().oauth2(TestTokens.agent("journal-bot")).get("/v1/decisions/" + id).then().statusCode(200)
                .body("decisionId", equalTo(id)).body("outcome", equalTo("DENY"));
        assertEquals(0, log.journalBehind());
        String second = decide().then().statusCode(200).extract().path("decisionId");
        long head = reader.head().sequence();
        Response page = given().auth().oauth2(TestTokens.auditor()).get("/v1/log?afterSequence=" + (head - 1) + "&limit=5");
        page.then().statusCode(200);
        assertTrue(page.asString().contains(second), "the last entry of the log is not the decision just answered");
        given().auth().oauth2(TestTokens.auditor()).get("/v1/log/verify").then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    @Order(2)
    void aJournalFlushThatHangsMakesTheServiceUnreadyAndTheCallerIsRefused() throws Exception {
        assumeTrue("h2".equals(dbKind), "the journal is the embedded H2 log's");
        TestDisk disk = new TestDisk(true);
        QuarkusMock.installMockForType(disk, H2Disk.class);
        // Past the caller's 3 s wait the journal's flush is taken for hung; once it returns, nothing failed.
        disk.hungFlushRefuses(() -> decide().statusCode());
        decide().then().statusCode(200).body("outcome", equalTo("DENY"));
    }

    @Test
    @Order(3)
    void aJournalTheDiskRefusesToFlushRefusesEveryDecisionUntilARestart() throws Exception {
        assumeTrue("h2".equals(dbKind), "the journal is the embedded H2 log's");
        TestDisk disk = new TestDisk(false);
        QuarkusMock.installMockForType(disk, H2Disk.class);
        // Reading the head applies what the last test journaled: that flush came before the failed one.
        long head = reader.head().sequence();
        int flushedBefore = disk.flushed.get();
        disk.refusing = true;
        decide().then().statusCode(503).body("code", equalTo("log_unavailable"));
        given().get("/q/health/ready").then().statusCode(503);
        disk.refusing = false;
        Thread.sleep(300);
        decide().then().statusCode(503).body("code", equalTo("log_unavailable"));
        assertEquals(flushedBefore, disk.flushed.get(), "a flush after the failed one was taken as proof");
        assertEquals(head, reader.head().sequence(), "an entry was answered or applied after the failed flush");
    }

    private static Response decide() {
        return given().auth().oauth2(TestTokens.agent("journal-bot")).body(DENIED).contentType("application/json").when()
                .post("/v1/decisions");
    }
}

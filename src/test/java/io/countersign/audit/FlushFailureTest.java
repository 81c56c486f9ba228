package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.countersign.decision.TestRequests;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A disk that hangs on a flush, then one that refuses it, under the embedded H2 log without its journal
 * (every batch committed to H2 and flushed by the flusher). A service of its own: a refused flush stops
 * the log until a restart, which the other tests' service must not inherit.
 */
@QuarkusTest
@TestProfile(FlushFailureTest.OwnService.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlushFailureTest {
    public static class OwnService implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // One entry per batch and room for four in the queue: four committed batches may wait for a flush. Every
            // batch committed to H2 and flushed by the flusher: the journal's path has JournalTest.
            return Map.of("countersign.log.append-timeout", "2s", "countersign.log.max-batch", "1",
                    "countersign.log.queue-capacity", "4", "countersign.h2.journal", "false");
        }
    }

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    @ConfigProperty(name = "countersign.h2.flush-commits")
    boolean flushCommits;

    @Inject
    DataSource dataSource;

    @Inject
    LogConfig config;

    @Test
    @Order(1)
    void aFlushThatHangsMakesTheServiceUnreadyWhileItRuns() throws Exception {
        assumeEmbeddedH2();
        TestDisk disk = new TestDisk(true);
        QuarkusMock.installMockForType(disk, H2Disk.class);
        // Past the callers' 2 s wait the flush is taken for hung; once it returns, nothing failed.
        disk.hungFlushRefuses(() -> decide().statusCode());
        decide().then().statusCode(200).body("outcome", equalTo("REQUIRE_APPROVAL"));
    }

    @Test
    @Order(2)
    void behindAHungFlushTheWriterStopsAfterAFewBatchesAndTheRestAreRefused() throws Exception {
        assumeEmbeddedH2();
        TestDisk disk = new TestDisk(true);
        QuarkusMock.installMockForType(disk, H2Disk.class);
        long before = committedHead();
        int asked = 20;
        ExecutorService callers = Executors.newFixedThreadPool(asked);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < asked; i++) {
                String caller = "hung-flush-bot-" + i;
                answers.add(callers.submit(() -> decide(caller)));
            }
            assertTrue(disk.entered.await(30, TimeUnit.SECONDS), "no batch reached the flush");
            int refusedAtOnce = 0;
            for (Future<Response> answer : answers) {
                Response response = answer.get(30, TimeUnit.SECONDS);
                assertEquals(503, response.statusCode(), "a decision was answered before its flush returned");
                if (response.jsonPath().getString("detail").contains("too many entries are waiting")) {
                    refusedAtOnce++;
                }
            }
            // The batches in the flush and those waiting for the next one (together at most unflushedBatches),
            // and the one the writer holds: the rest were never committed, and those the queue had no room for
            // were refused without waiting.
            long committedMeanwhile = committedHead() - before;
            assertTrue(committedMeanwhile <= 1 + DecisionLog.unflushedBatches(config) + 1,
                    committedMeanwhile + " of " + asked + " entries were committed behind a hung flush");
            assertTrue(refusedAtOnce >= asked - committedMeanwhile - config.queueCapacity(),
                    "only " + refusedAtOnce + " callers were refused for a full queue");
        } finally {
            disk.hold.countDown();
            callers.shutdownNow();
        }
        TestDisk.awaitReadiness(200, Duration.ofSeconds(20));
        decide("hung-flush-bot-after").then().statusCode(200).body("outcome", equalTo("REQUIRE_APPROVAL"));
    }

    @Test
    @Order(3)
    void aRefusedFlushRefusesEveryEntryAndKeepsTheServiceUnreadyUntilARestart() throws Exception {
        assumeEmbeddedH2();
        TestDisk disk = new TestDisk(false);
        QuarkusMock.installMockForType(disk, H2Disk.class);
        disk.refusing = true;
        decide().then().statusCode(503).body("code", equalTo("log_unavailable"));
        ready().then().statusCode(503).body("checks.find { it.name == 'countersign' }.data.logWriter", equalTo("down"));
        long head = committedHead();

        // The disk flushes again, but a flush after a failed one proves nothing: still refused, nothing
        // more committed or flushed, still unready.
        disk.refusing = false;
        Thread.sleep(500);
        decide().then().statusCode(503).body("code", equalTo("log_unavailable"));
        ready().then().statusCode(503);
        assertEquals(head, committedHead(), "an entry was committed after the failed flush");
        assertEquals(0, disk.flushed.get(), "a flush after the failed one was taken as proof");
    }

    /**
     * The chain head in the table, read directly: the log's own reads wait for the journal to be applied, which
     * after a failed flush waits for a restart.
     */
    private long committedHead() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT sequence FROM chain_head WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next(), "no chain head row");
            return rs.getLong(1);
        }
    }

    private void assumeEmbeddedH2() {
        assumeTrue("h2".equals(dbKind) && flushCommits, "only the embedded H2 log flushes: PostgreSQL's commit waits for its WAL");
    }

    private static Response decide() {
        return decide("flush-failure-bot");
    }

    private static Response decide(String caller) {
        return given().auth().oauth2(TestTokens.agent(caller)).body(TestRequests.EXPORT).when().post("/v1/decisions");
    }

    private static Response ready() {
        return given().when().get("/q/health/ready");
    }
}

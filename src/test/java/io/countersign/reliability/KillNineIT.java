package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the service in the middle of a load run, then a restart on the same data: every
 * decision that was answered 200 is in the log, once, with the outcome answered, and the chain
 * verifies. Runs on the database the jar was built for: H2 (a file in the data directory) or PostgreSQL.
 */
class KillNineIT {
    /** The kill comes once the run is well under way: this many answers, and this long. */
    private static final int ACKED_BEFORE_KILL = 200;
    private static final Duration LOAD_BEFORE_KILL = Duration.ofMillis(1_500);

    private TestDatabase database;
    private ServiceProcess service;

    @BeforeEach
    void database() throws Exception {
        if (TestDatabase.postgresql()) {
            database = TestDatabase.create();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void everyAnsweredDecisionSurvivesKillNine() throws Exception {
        Map<String, String> settings = new HashMap<>(database == null ? Map.of() : database.settings());
        // Checkpoints are signed during the run too, and must still match the chain after the crash.
        settings.put("COUNTERSIGN_LOG_CHECKPOINT_EVERY", "1s");
        service = ServiceProcess.start("kill9", ServiceProcess.newDataDir("kill9"), settings);

        long started = System.nanoTime();
        LoadRun load = LoadRun.start(service, 12);
        load.awaitUnderWay(ACKED_BEFORE_KILL, LOAD_BEFORE_KILL);
        service.kill();
        LoadRun.Result run = load.stop();
        System.out.printf("kill -9 on %s after %d ms of load: %d answered 200, %d unanswered%n",
                database == null ? "H2" : "PostgreSQL", (System.nanoTime() - started) / 1_000_000,
                run.acked().size(), run.unanswered());
        assertTrue(run.unanswered() > 0, "the kill came while requests were in flight: " + run.unanswered());
        assertEquals(Map.of(), run.refused(), "before the kill every decision was answered");

        service.relaunch();
        service.awaitReady();
        ServiceProcess.Answer next = service.decide("""
                {"action": "aws.s3.export", "resource": {"type": "s3-bucket", "id": "after-restart",
                 "environment": "production", "classification": "confidential"},
                 "onBehalfOf": "alice@example.com"}""");
        assertEquals(200, next.status(), "the restarted service decides: " + next.body());

        List<ServiceProcess.LogEntry> log = service.log();
        System.out.printf("after the restart the log holds %d entries%n", log.size());
        LogAssertions.assertWholeChain(service.verify(), log);
        Map<String, String> acked = new HashMap<>(run.acked());
        acked.put(next.body().path("decisionId").asText(), next.body().path("outcome").asText());
        LogAssertions.assertHoldsExactlyOnce(log, acked);
        long logged = log.stream().filter(e -> e.decisionId() != null).count();
        assertTrue(logged <= run.attempts() + 1, "the log holds " + logged + " decisions, but only "
                + (run.attempts() + 1) + " were asked for");
    }
}

package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the service in the middle of a load run with approvals flowing, then a restart on
 * the same data, again and again ({@code countersign.it.kill-rounds}, 3 by default; bench/faults.sh runs
 * 20): after every restart each decision and vote that was answered 200 is in the log, once, with the
 * outcome answered, no approval is half-applied, and the chain verifies. Runs on the database the jar
 * was built for: H2 (a file in the data directory) or PostgreSQL.
 */
class KillNineIT extends ServiceIT {
    /** The kill comes once the round is well under way: this many answers, and this long. */
    private static final int ACKED_BEFORE_KILL = 100;
    private static final Duration LOAD_BEFORE_KILL = Duration.ofMillis(1_000);
    private static final int ROUNDS = Integer.getInteger("countersign.it.kill-rounds", 3);

    @Test
    void everyAnsweredDecisionAndVoteSurvivesKillNineRoundAfterRound() throws Exception {
        Map<String, String> settings = settings();
        // Checkpoints are signed during the run too, and must still match the chain after the crash.
        settings.put("COUNTERSIGN_LOG_CHECKPOINT_EVERY", "1s");
        service = ServiceProcess.start("kill9", ServiceProcess.newDataDir("kill9"), settings);

        for (int round = 1; round <= ROUNDS; round++) {
            LoadRun load = LoadRun.start(service, 8);
            ApprovalLoad approvals = ApprovalLoad.start(service, 2);
            load.awaitUnderWay(ACKED_BEFORE_KILL, LOAD_BEFORE_KILL);
            service.kill();
            LoadRun.Result run = load.stop();
            ApprovalLoad.Result flowed = approvals.stop();
            assertTrue(run.unanswered() > 0, "the kill came while requests were in flight: " + run.unanswered());
            assertEquals(Map.of(), run.refused(), "before the kill every decision was answered");

            service.relaunch();
            service.awaitReady();
            // The whole chain is verified each round, so earlier rounds' entries are checked again with it.
            assertNothingLost("kill -9 round " + round + " of " + ROUNDS, run, flowed);
        }
    }
}

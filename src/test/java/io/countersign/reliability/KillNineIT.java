package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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

    /**
     * Embedded H2's journal: decisions answered once in the journal, none of them yet in H2's tables (the applier
     * would wait an hour, and nothing reads the log), then {@code kill -9}. The restart puts every one of them
     * into the log, and the chain verifies.
     */
    @Test
    void decisionsAnsweredFromTheJournalAloneAreInTheLogAfterKillNine() throws Exception {
        assumeTrue(database == null, "H2 only: the journal is the embedded store's");
        Map<String, String> settings = settings();
        settings.put("COUNTERSIGN_H2_JOURNAL_APPLY_AFTER", "1h");
        service = ServiceProcess.start("journal-kill9", ServiceProcess.newDataDir("journal-kill9"), settings);
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ServiceProcess.Answer answer = service.decide(DENIED.formatted(i));
            assertEquals(200, answer.status(), "decision " + i + ": " + answer);
            assertEquals("DENY", answer.body().path("outcome").asText());
            answered.add(answer.body().path("decisionId").asText());
        }
        service.kill();
        service.relaunch();
        service.awaitReady();
        String started = Files.readString(service.output());
        assertTrue(started.contains("40 journaled entries"), "the restart did not put the 40 journaled entries into the tables: "
                + started.lines().filter(line -> line.contains("decision log")).toList());
        Set<String> logged = service.log().stream().map(ServiceProcess.LogEntry::decisionId).collect(Collectors.toSet());
        assertTrue(logged.containsAll(answered), "answered decisions missing from the log after the restart");
        ServiceProcess.Verification verified = service.verify();
        assertTrue(verified.valid(), "the chain does not verify after the restart: " + verified);
    }

    /** An export to an unapproved destination: DENY, an entry with no row beside it. */
    private static final String DENIED = """
            {"action": "aws.s3.export",
             "resource": {"type": "s3-bucket", "id": "customer-data-%d", "environment": "production",
                          "classification": "confidential", "attributes": {"destination": "s3://attacker-bucket"}},
             "onBehalfOf": "alice@example.com"}""";
}

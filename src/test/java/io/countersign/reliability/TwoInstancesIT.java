package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


/**
 * Two service instances on one PostgreSQL database, under load at the same time: they build one
 * gap-free chain that verifies, and every decision either of them answered 200 is in it exactly once.
 */
class TwoInstancesIT {
    /** The run stops once each instance answered this many, and not before this much load. */
    private static final int ACKED_EACH = 200;
    private static final Duration LOAD = Duration.ofSeconds(2);

    static final String EXPORT = "{\"action\":\"aws.s3.export\",\"resource\":{\"type\":\"s3-bucket\",\"id\":\"customer-data\","
            + "\"environment\":\"production\",\"classification\":\"confidential\","
            + "\"attributes\":{\"destination\":\"s3://corp-analytics-exports\"}},\"onBehalfOf\":\"alice@example.com\"}";

    private TestDatabase database;
    private ServiceProcess first;
    private ServiceProcess second;

    @BeforeEach
    void database() throws Exception {
        assumeTrue(TestDatabase.postgresql(), "needs the jar built for PostgreSQL (-Dcountersign.test.jdbc-url=...)");
        database = TestDatabase.create();
    }

    @AfterEach
    void stop() throws Exception {
        for (ServiceProcess service : new ServiceProcess[] { first, second }) {
            if (service != null) {
                service.close();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void twoInstancesUnderLoadBuildOneChain() throws Exception {
        // One data directory: both verify the same tokens and sign checkpoints with the same key.
        Path dataDir = ServiceProcess.newDataDir("two-instances");
        Map<String, String> settings = new HashMap<>(database.settings());
        // Both sign checkpoints during the run, racing for the same heads.
        settings.put("COUNTERSIGN_LOG_CHECKPOINT_EVERY", "1s");
        // Started side by side: both migrate the same database and log their policy to the same chain.
        first = ServiceProcess.launch("first", dataDir, settings);
        second = ServiceProcess.launch("second", dataDir, settings);
        first.awaitReady();
        second.awaitReady();

        LoadRun loadFirst = LoadRun.start(first, 6);
        LoadRun loadSecond = LoadRun.start(second, 6);
        loadFirst.awaitUnderWay(ACKED_EACH, LOAD);
        loadSecond.awaitUnderWay(ACKED_EACH, LOAD);
        LoadRun.Result runFirst = loadFirst.stop();
        LoadRun.Result runSecond = loadSecond.stop();
        System.out.printf("two instances: %d and %d decisions answered 200%n", runFirst.acked().size(),
                runSecond.acked().size());
        for (LoadRun.Result run : List.of(runFirst, runSecond)) {
            assertEquals(Map.of(), run.refused(), "every decision was answered 200");
            assertEquals(0, run.unanswered(), "every request was answered");
        }
        assertEquals(200, second.checkpoint().status(), "a checkpoint at the head after the run");

        List<ServiceProcess.LogEntry> log = first.log();
        ServiceProcess.Verification seenByFirst = first.verify();
        ServiceProcess.Verification seenBySecond = second.verify();
        LogAssertions.assertWholeChain(seenByFirst, log);
        assertTrue(seenByFirst.checkpointsChecked() > 0, "checkpoints were verified: " + seenByFirst);
        assertEquals(seenByFirst, seenBySecond, "both instances see the same chain");

        Map<String, String> acked = new HashMap<>(runFirst.acked());
        acked.putAll(runSecond.acked());
        assertEquals(runFirst.acked().size() + runSecond.acked().size(), acked.size(), "decision ids are unique");
        LogAssertions.assertHoldsExactlyOnce(log, acked);
        assertEquals(acked.size(), log.stream().filter(e -> e.kind().equals("decision")).count(),
                "the log holds the answered decisions and nothing else");
        assertEquals(2, log.stream().filter(e -> e.kind().equals("policy")).count(), "one policy entry per instance");
        assertInterleaved(log);
    }

    /** The instances appended while the other did, rather than one after the other. */
    private void assertInterleaved(List<ServiceProcess.LogEntry> log) {
        List<String> callers = log.stream().filter(e -> e.decisionId() != null)
                .map(ServiceProcess.LogEntry::caller).toList();
        long turns = 0;
        for (int i = 1; i < callers.size(); i++) {
            if (!callers.get(i).equals(callers.get(i - 1))) {
                turns++;
            }
        }
        assertTrue(callers.contains(first.agent()) && callers.contains(second.agent()), "both instances logged");
        assertTrue(turns > 1, "the chain alternates between the instances " + turns + " time(s) only");
    }

    /**
     * Votes racing through both instances: the chain-head lock decides them in one order, so a quorum-1
     * request is decided once and every other vote is refused as too late.
     */
    @Test
    void racingVotesOnTwoInstancesEndInOneState() throws Exception {
        Path dataDir = ServiceProcess.newDataDir("approval-two-instances");
        first = ServiceProcess.launch("first", dataDir, database.settings());
        second = ServiceProcess.launch("second", dataDir, database.settings());
        first.awaitReady();
        second.awaitReady();

        ServiceProcess.Answer asked = first.decide(EXPORT);
        assertEquals(200, asked.status(), asked.body().toString());
        String id = asked.body().path("approval").path("id").asText();

        int voters = 10;
        ExecutorService pool = Executors.newFixedThreadPool(voters);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ServiceProcess.Answer>> votes = new ArrayList<>();
        for (int i = 0; i < voters; i++) {
            ServiceProcess via = i % 2 == 0 ? first : second;
            String token = first.token("gov-" + i + "@example.com", "human", "data-governance");
            String how = i % 3 == 0 ? "deny" : "approve";
            votes.add(pool.submit((Callable<ServiceProcess.Answer>) () -> {
                start.await();
                return via.post("/v1/approvals/" + id + "/" + how, token, "{\"comment\":\"racing\"}");
            }));
        }
        start.countDown();
        List<ServiceProcess.Answer> answers = new ArrayList<>();
        for (Future<ServiceProcess.Answer> vote : votes) {
            answers.add(vote.get());
        }
        pool.shutdown();

        List<ServiceProcess.Answer> counted = answers.stream().filter(a -> a.status() == 200).toList();
        assertEquals(1, counted.size(), "quorum 1: the first vote decides, whichever instance took it: " + answers);
        String end = counted.get(0).body().path("status").asText();
        assertTrue(end.equals("APPROVED") || end.equals("DENIED"), end);
        assertTrue(answers.stream().filter(a -> a.status() != 200)
                .allMatch(a -> a.status() == 409 && "approval_not_pending".equals(a.code())), answers.toString());

        long approvalEntries = first.log().stream().filter(e -> e.kind().equals("approval")).count();
        assertEquals(1, approvalEntries, "one state change, one entry");
        LogAssertions.assertWholeChain(second.verify(), second.log());
    }
}

package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.countersign.identity.LocalTokens;

/**
 * Votes racing through two instances on one PostgreSQL database: the chain-head lock decides them in
 * one order, so a quorum-1 request is approved once and every other vote is refused as too late.
 */
class ApprovalTwoInstancesIT {
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
    void racingVotesOnTwoInstancesEndInOneState() throws Exception {
        Path dataDir = ServiceProcess.newDataDir("approval-two-instances");
        first = ServiceProcess.launch("first", dataDir, database.settings());
        second = ServiceProcess.launch("second", dataDir, database.settings());
        first.awaitReady();
        second.awaitReady();
        LocalTokens tokens = new LocalTokens(LocalTokens.key(dataDir), "urn:countersign:local", "countersign");

        ServiceProcess.Answer asked = first.decide(EXPORT);
        assertEquals(200, asked.status(), asked.body().toString());
        String id = asked.body().path("approval").path("id").asText();

        int voters = 10;
        ExecutorService pool = Executors.newFixedThreadPool(voters);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ServiceProcess.Answer>> votes = new ArrayList<>();
        for (int i = 0; i < voters; i++) {
            ServiceProcess via = i % 2 == 0 ? first : second;
            String token = tokens.mint("gov-" + i + "@example.com", "human", List.of("data-governance"), Duration.ofMinutes(10));
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

package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running service: decisions are refused with 503 {@code log_unavailable}
 * and no outcome (fail closed), readiness drops, and once the database is back the same process decides
 * again. PostgreSQL only: a proxy between the service and the server is cut, the server is left alone.
 */
class DatabaseOutageIT extends ServiceIT {
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    private static final String REQUEST = """
            {"action": "aws.s3.export",
             "resource": {"type": "s3-bucket", "id": "customer-data", "environment": "production",
                          "classification": "confidential", "attributes": {"destination": "s3://corp-analytics-exports"}},
             "onBehalfOf": "alice@example.com",
             "context": {"reason": "%s"}}""";

    private TcpProxy proxy;

    @BeforeEach
    void proxy() throws Exception {
        assumeTrue(database != null, "needs the jar built for PostgreSQL (-Dcountersign.test.jdbc-url=...)");
        proxy = TcpProxy.start(database.host(), database.port());
    }

    /** Runs before {@link ServiceIT}'s own clean-up, which then stops the service and drops the database. */
    @AfterEach
    void closeProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void failsClosedWhileTheDatabaseIsUnreachableAndRecoversWithoutARestart() throws Exception {
        Map<String, String> settings = new HashMap<>(database.settingsVia(proxy.host(), proxy.port()));
        // Short waits, so that refusals come within seconds rather than the production defaults.
        settings.put("COUNTERSIGN_LOG_APPEND_TIMEOUT", "3s");
        settings.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "2S");
        service = ServiceProcess.start("outage", ServiceProcess.newDataDir("outage"), settings);
        Map<String, String> acked = new HashMap<>();
        acked(service.decide(REQUEST.formatted("before the outage")), acked);

        proxy.cut();
        // Several agents at once, so that a whole group commit fails and every caller in it is refused.
        List<ServiceProcess.Answer> during = concurrently(8, () -> service.decide(REQUEST.formatted("during the outage")));
        during.forEach(DatabaseOutageIT::assertRefused);
        assertEquals(503, service.readiness(), "readiness while the database is unreachable");

        proxy.restore();
        acked(decidedAgainWithin(RECOVERY), acked);
        assertEquals(200, service.readiness(), "readiness once the log writes again");
        acked(service.decide(REQUEST.formatted("after the outage")), acked);

        assertAllLogged(acked);
    }

    /** Retries until a decision is answered 200; meanwhile every answer must be a proper refusal. */
    private ServiceProcess.Answer decidedAgainWithin(Duration within) throws Exception {
        long started = System.nanoTime();
        int refusals = 0;
        while (System.nanoTime() - started < within.toNanos()) {
            ServiceProcess.Answer answer = service.decide(REQUEST.formatted("recovering"));
            if (answer.status() == 200) {
                System.out.printf("decided again %d ms after the database came back, %d refusal(s) on the way%n",
                        (System.nanoTime() - started) / 1_000_000, refusals);
                return answer;
            }
            assertRefused(answer);
            refusals++;
            ServiceProcess.pause(Duration.ofMillis(250));
        }
        return fail("no decision was answered within " + within + " of the database coming back; see " + service.output());
    }

    private static void assertRefused(ServiceProcess.Answer answer) {
        assertEquals(503, answer.status(), "a decision the log cannot record is refused: " + answer.body());
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        assertEquals("log_unavailable", answer.code(), answer.body().toString());
        assertFalse(answer.body().has("outcome"), "a refusal carries no outcome: " + answer.body());
        assertFalse(answer.body().has("decisionId"), "a refusal carries no decision: " + answer.body());
    }

    private static void acked(ServiceProcess.Answer answer, Map<String, String> acked) {
        assertEquals(200, answer.status(), answer.body().toString());
        acked.put(answer.body().path("decisionId").asText(), answer.body().path("outcome").asText());
    }

    private static List<ServiceProcess.Answer> concurrently(int n, Callable<ServiceProcess.Answer> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<ServiceProcess.Answer>> futures = pool.invokeAll(Collections.nCopies(n, call));
            List<ServiceProcess.Answer> answers = new ArrayList<>();
            for (Future<ServiceProcess.Answer> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Flood control on the packaged service: a runaway agent is held to its own limit with {@code 429} while
 * a well-behaved agent is still served, and when the decision log's writer cannot keep up, callers past
 * its bounded queue are refused with {@code 503} at once instead of piling up. Nothing answered 200 is
 * lost either way.
 */
class FloodIT extends ServiceIT {
    private static final Duration FLOOD = Duration.ofSeconds(4);

    @Test
    void aRunawayAgentIsHeldToItsLimitWhileAnotherIsServed() throws Exception {
        int perSecond = 5;
        int burst = 5;
        Map<String, String> settings = settings();
        settings.put("COUNTERSIGN_RATE_LIMIT_PER_SECOND", Integer.toString(perSecond));
        settings.put("COUNTERSIGN_RATE_LIMIT_BURST", Integer.toString(burst));
        service = ServiceProcess.start("runaway", ServiceProcess.newDataDir("runaway"), settings);

        long started = System.nanoTime();
        LoadRun runaway = LoadRun.start(service, 16);
        LoadRun polite = LoadRun.start(service, 1, service.token("polite-bot", "agent", "agent"), Duration.ofMillis(400));
        ServiceProcess.pause(FLOOD);
        LoadRun.Result flood = runaway.stop();
        LoadRun.Result calm = polite.stop();
        double seconds = (System.nanoTime() - started) / 1e9;
        report("runaway agent", flood);
        report("polite agent", calm);

        assertTrue(flood.refused().getOrDefault(429, 0) > 0, "the runaway agent was refused: " + flood.refused());
        assertEquals(Map.of(429, flood.refused().get(429)), flood.refused(), "the runaway agent saw only 200 and 429");
        assertEquals(0, flood.withoutRetryAfter(), "every 429 says when to retry");
        double allowed = burst + perSecond * seconds;
        assertTrue(flood.acked().size() <= allowed, "the runaway agent got " + flood.acked().size()
                + " decisions in " + seconds + " s, more than its " + allowed);
        assertEquals(Map.of(), calm.refused(), "the polite agent was never refused");
        assertTrue(calm.acked().size() >= 1, "the polite agent was served: " + calm.acked().size());

        assertAllLogged(flood, calm);
    }

    @Test
    void pastTheWritersBoundedQueueCallersGet503AtOnce() throws Exception {
        Map<String, String> settings = settings();
        // A writer that commits one entry at a time behind a queue of four cannot keep up with 48 agents.
        settings.put("COUNTERSIGN_LOG_MAX_BATCH", "1");
        settings.put("COUNTERSIGN_LOG_QUEUE_CAPACITY", "4");
        settings.put("COUNTERSIGN_LOG_APPEND_TIMEOUT", "60s");
        service = ServiceProcess.start("overload", ServiceProcess.newDataDir("overload"), settings);

        LoadRun load = LoadRun.start(service, 48);
        ServiceProcess.pause(FLOOD);
        LoadRun.Result run = load.stop();
        report("48 agents, queue of 4", run);

        assertTrue(run.refused().getOrDefault(503, 0) > 0, "the queue overflowed: " + run.refused());
        assertEquals(Map.of(503, run.refused().get(503)), run.refused(), "only 200 and 503 were answered");
        assertEquals(Map.of("log_unavailable", run.refused().get(503)), run.codes(), "503s are log_unavailable");
        assertEquals(0, run.withoutRetryAfter(), "every 503 says when to retry");
        // Refused at the queue, not after waiting out the minute-long append timeout.
        assertTrue(run.slowestRefusal().compareTo(Duration.ofSeconds(10)) < 0, "slowest 503: " + run.slowestRefusal());
        assertTrue(run.acked().size() > 0, "the writer kept committing");

        ServiceProcess.Answer after = service.decide(LoadRun.request(0));
        assertEquals(200, after.status(), "decides again once the flood is over: " + after.body());
        assertAllLogged(run);
    }

    private void assertAllLogged(LoadRun.Result... runs) throws Exception {
        Map<String, String> acked = new HashMap<>();
        for (LoadRun.Result run : runs) {
            acked.putAll(run.acked());
        }
        assertAllLogged(acked);
    }

    private static void report(String who, LoadRun.Result run) {
        System.out.printf("%s: %d answered 200, other statuses %s, codes %s, unanswered %d, slowest refusal %d ms%n",
                who, run.acked().size(), run.refused(), run.codes(), run.unanswered(), run.slowestRefusal().toMillis());
    }
}

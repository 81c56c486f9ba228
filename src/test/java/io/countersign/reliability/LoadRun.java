package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agents posting decisions to one service back to back from a few threads, remembering every decision
 * that was answered 200: an agent may act on those, so the log must hold every one of them.
 */
final class LoadRun {
    private static final String[] ENVIRONMENTS = { "production", "staging", "development" };
    private static final String[] CLASSIFICATIONS = { "confidential", "internal", "public" };
    private static final Duration ANSWERS_WITHIN = Duration.ofSeconds(30);

    /**
     * What the agents saw: the decisions answered 200 (id to outcome), the count of every other status,
     * and the requests nothing answered (the connection failed or broke).
     */
    record Result(Map<String, String> acked, Map<Integer, Integer> refused, int unanswered) {
        int attempts() {
            return acked.size() + refused.values().stream().mapToInt(Integer::intValue).sum() + unanswered;
        }
    }

    private final Map<String, String> acked = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> refused = new ConcurrentHashMap<>();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicLong counter = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final long started = System.nanoTime();
    private volatile boolean stopping;

    private LoadRun() {
    }

    /** Starts {@code agents} threads posting to {@code service}. */
    static LoadRun start(ServiceProcess service, int agents) {
        LoadRun run = new LoadRun();
        for (int i = 0; i < agents; i++) {
            Thread thread = new Thread(() -> run.agent(service), "load-" + service + "-" + i);
            thread.setDaemon(true);
            run.threads.add(thread);
        }
        run.threads.forEach(Thread::start);
        return run;
    }

    /**
     * Waits until the run is well under way: at least {@code count} decisions answered 200 and at least
     * {@code atLeast} since it started. Fails if the answers do not come within half a minute.
     */
    void awaitUnderWay(int count, Duration atLeast) {
        long deadline = started + ANSWERS_WITHIN.toNanos();
        while (acked.size() < count || System.nanoTime() - started < atLeast.toNanos()) {
            if (System.nanoTime() > deadline) {
                fail("only " + acked.size() + " of " + count + " decisions were answered within " + ANSWERS_WITHIN
                        + "; other statuses " + refused + ", unanswered " + unanswered);
            }
            ServiceProcess.pause(Duration.ofMillis(20));
        }
    }

    /** Stops the agents, letting each finish (or lose) the request it has in flight. */
    Result stop() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60).toMillis());
            if (thread.isAlive()) {
                fail(thread.getName() + " is still waiting for an answer a minute after the run stopped");
            }
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        refused.forEach((status, n) -> statuses.put(status, n.get()));
        return new Result(Map.copyOf(acked), statuses, unanswered.get());
    }

    private void agent(ServiceProcess service) {
        while (!stopping) {
            ServiceProcess.Answer answer;
            try {
                answer = service.decide(body(counter.incrementAndGet()));
            } catch (IOException e) {
                // The service is gone (or the connection broke): this agent has nothing more to say to it.
                unanswered.incrementAndGet();
                return;
            }
            if (answer.status() == 200) {
                acked.put(answer.body().path("decisionId").asText(), answer.body().path("outcome").asText());
            } else {
                refused.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    /** A request that differs a little each time, so decisions go different ways and carry different rows. */
    private static String body(long n) {
        return """
                {"action": "aws.s3.export",
                 "resource": {"type": "s3-bucket", "id": "customer-data-%d", "environment": "%s",
                              "classification": "%s", "attributes": {"destination": "s3://corp-analytics-exports"}},
                 "onBehalfOf": "alice@example.com",
                 "context": {"reason": "load test %d"}}""".formatted(n, ENVIRONMENTS[(int) (n % 3)],
                CLASSIFICATIONS[(int) (n / 3 % 3)], n);
    }
}

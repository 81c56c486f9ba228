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
     * What the agents saw: the decisions answered 200 (id to outcome), the count of every other status
     * and of every problem code, and the requests nothing answered (the connection failed or broke); of
     * the 429 and 503 answers, how many lacked a {@code Retry-After} and how long the slowest took.
     */
    record Result(Map<String, String> acked, Map<Integer, Integer> refused, int unanswered, Map<String, Integer> codes,
            int withoutRetryAfter, Duration slowestRefusal) {
        int attempts() {
            return acked.size() + refused.values().stream().mapToInt(Integer::intValue).sum() + unanswered;
        }
    }

    private final Map<String, String> acked = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> refused = new ConcurrentHashMap<>();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();
    private final AtomicInteger withoutRetryAfter = new AtomicInteger();
    private final AtomicLong slowestRefusal = new AtomicLong();
    private final AtomicLong counter = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final long started = System.nanoTime();
    private volatile boolean stopping;

    private LoadRun() {
    }

    /** Starts {@code agents} threads posting to {@code service} as its agent, back to back. */
    static LoadRun start(ServiceProcess service, int agents) {
        return start(service, agents, null, Duration.ZERO);
    }

    /**
     * Starts {@code agents} threads posting to {@code service} with {@code token} (null: as its agent),
     * each pausing {@code between} after every answer.
     */
    static LoadRun start(ServiceProcess service, int agents, String token, Duration between) {
        LoadRun run = new LoadRun();
        for (int i = 0; i < agents; i++) {
            Thread thread = new Thread(() -> run.agent(service, token, between), "load-" + service + "-" + i);
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

    /** Decisions answered 200 so far. */
    int ackedSoFar() {
        return acked.size();
    }

    /** Answers other than 200 so far. */
    int refusedSoFar() {
        return refused.values().stream().mapToInt(AtomicInteger::get).sum();
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
        Map<String, Integer> codeCounts = new TreeMap<>();
        codes.forEach((code, n) -> codeCounts.put(code, n.get()));
        return new Result(Map.copyOf(acked), statuses, unanswered.get(), codeCounts, withoutRetryAfter.get(),
                Duration.ofNanos(slowestRefusal.get()));
    }

    private void agent(ServiceProcess service, String token, Duration between) {
        while (!stopping) {
            ServiceProcess.Answer answer;
            long asked = System.nanoTime();
            try {
                String body = request(counter.incrementAndGet());
                answer = token == null ? service.decide(body) : service.post("/v1/decisions", token, body);
            } catch (IOException e) {
                // The service is gone (or the connection broke): this agent has nothing more to say to it.
                unanswered.incrementAndGet();
                return;
            }
            if (answer.status() == 200) {
                acked.put(answer.body().path("decisionId").asText(), answer.body().path("outcome").asText());
            } else {
                refused.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                codes.computeIfAbsent(String.valueOf(answer.code()), c -> new AtomicInteger()).incrementAndGet();
                if (answer.status() == 429 || answer.status() == 503) {
                    slowestRefusal.accumulateAndGet(System.nanoTime() - asked, Math::max);
                    if (answer.retryAfter() == null) {
                        withoutRetryAfter.incrementAndGet();
                    }
                }
            }
            if (!between.isZero()) {
                ServiceProcess.pause(between);
            }
        }
    }

    /** A request that differs a little each time, so decisions go different ways and carry different rows. */
    static String request(long n) {
        return """
                {"action": "aws.s3.export",
                 "resource": {"type": "s3-bucket", "id": "customer-data-%d", "environment": "%s",
                              "classification": "%s", "attributes": {"destination": "s3://corp-analytics-exports"}},
                 "onBehalfOf": "alice@example.com",
                 "context": {"reason": "load test %d"}}""".formatted(n, ENVIRONMENTS[(int) (n % 3)],
                CLASSIFICATIONS[(int) (n / 3 % 3)], n);
    }
}

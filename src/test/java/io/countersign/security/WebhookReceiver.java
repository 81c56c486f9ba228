package io.countersign.security;


import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpServer;

import io.countersign.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A webhook destination on a local port that keeps every delivery exactly as it arrived (headers and raw
 * body) for the test to verify; while {@link #failFirstAttempts} is set, it answers {@code 503} to the first
 * delivery of each webhook id, so that the service retries it.
 */
public class WebhookReceiver implements QuarkusTestResourceLifecycleManager {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("attack-test-secret-0123456789".getBytes(StandardCharsets.UTF_8));

    /** One delivery as received, the failed ones included. */
    record Delivery(String id, String timestamp, String signature, String body, int answered) {
    }

    final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
    final AtomicBoolean failFirstAttempts = new AtomicBoolean();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        server = TestServers.loopback();
        server.createContext("/hook", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            int status = seen.add(String.valueOf(id)) && failFirstAttempts.get() ? 503 : 204;
            received.add(new Delivery(id,
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return Map.of(
                "countersign.webhooks.destinations.receiver.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                "countersign.webhooks.destinations.receiver.secret", SECRET,
                "countersign.webhooks.first-retry-after", "100ms");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.MatchesType(WebhookReceiver.class));
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /** The next delivery of {@code type} for approval {@code approvalId}, waiting up to 15 s. */
    Delivery next(String type, String approvalId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Delivery d = received.poll(200, TimeUnit.MILLISECONDS);
            if (d != null && d.body().contains("\"type\":\"" + type + "\"") && d.body().contains("\"id\":\"" + approvalId + "\"")) {
                return d;
            }
        }
        throw new AssertionError("no " + type + " delivery for " + approvalId);
    }
}

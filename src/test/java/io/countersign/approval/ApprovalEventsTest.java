package io.countersign.approval;

import static io.countersign.approval.ApprovalFlowTest.as;
import static io.countersign.approval.ApprovalFlowTest.grant;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Waiting, webhooks and break-glass, with a local receiver that checks signatures as a real one would. */
@QuarkusTest
@TestProfile(ApprovalEventsTest.WithReceiver.class)
class ApprovalEventsTest {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("test-secret-0123456789".getBytes(StandardCharsets.UTF_8));
    static final BlockingQueue<Map<String, Object>> RECEIVED = new LinkedBlockingQueue<>();
    static final AtomicInteger FAIL_NEXT = new AtomicInteger();
    static HttpServer receiver;

    /**
     * Quarkus loads this class twice (once for the profile, once for the tests), so the port is agreed
     * through a system property and only the tests' copy starts the receiver.
     */
    static int port() {
        return Integer.parseInt((String) System.getProperties().computeIfAbsent("countersign.test.webhook-port", k -> {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                return String.valueOf(socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    @org.junit.jupiter.api.BeforeAll
    static void startReceiver() {
        receiver = receiver();
    }

    @org.junit.jupiter.api.AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    public static class WithReceiver implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "countersign.webhooks.destinations.audit-room.url", "http://127.0.0.1:" + port() + "/hook",
                    "countersign.webhooks.destinations.audit-room.secret", SECRET,
                    "countersign.webhooks.first-retry-after", "100ms");
        }
    }

    /** Accepts a delivery only with a valid Standard Webhooks signature; fails on demand to force retries. */
    static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port()), 0);
            server.createContext("/hook", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
                String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
                boolean valid = id != null && timestamp != null
                        && Webhooks.signature(SECRET, id, timestamp, body).equals(signature)
                        && Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) < 300;
                int status = !valid ? 401 : FAIL_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 204;
                if (status == 204) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> event = new ObjectMapper().readValue(body, Map.class);
                    event.put("webhook-id", id);
                    RECEIVED.add(event);
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aWaiterIsAnsweredWhenTheRequestChangesAndWebhooksAreSignedAndRetried() throws Exception {
        RECEIVED.clear();
        String agent = TestTokens.agent("wait-bot-" + UUID.randomUUID());
        String body = grant("lee@example.com", "wait-" + UUID.randomUUID()).replace("\"production\"", "\"staging\"");
        String id = as(agent).body(body).post("/v1/decisions").then().extract().path("approval.id");
        Map<String, Object> requested = next("approval.requested", id);
        assertEquals(id, ((Map<?, ?>) requested.get("data")).get("id"));

        FAIL_NEXT.set(2);
        CompletableFuture<String> waited = CompletableFuture.supplyAsync(() -> as(agent).queryParam("waitSeconds", 30)
                .get("/v1/approvals/" + id).then().statusCode(200).extract().path("status"));
        Thread.sleep(500);
        assertTrue(!waited.isDone(), "the waiter waits while nothing changes");
        long approvedAt = System.nanoTime();
        as(TestTokens.token("sec-wait@example.com", "human", "security")).body("{}").post("/v1/approvals/" + id + "/approve")
                .then().statusCode(200);
        assertEquals("APPROVED", waited.get(10, TimeUnit.SECONDS));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - approvedAt) < 5_000, "answered on the change, not at the end of the wait");

        Map<String, Object> decided = next("approval.decided", id);
        assertEquals("APPROVED", ((Map<?, ?>) decided.get("data")).get("status"));
        assertEquals(0, FAIL_NEXT.get(), "the two failed deliveries were retried");
    }

    @Test
    void aWaitEndsAfterWaitSecondsWithTheStateUnchanged() {
        String agent = TestTokens.agent("patient-bot-" + UUID.randomUUID());
        String id = as(agent).body(grant("max@example.com", "w-" + UUID.randomUUID())).post("/v1/decisions").then().extract().path("approval.id");
        long start = System.nanoTime();
        as(agent).queryParam("waitSeconds", 1).get("/v1/approvals/" + id).then().statusCode(200).body("status", equalTo("PENDING"));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 900, "waited " + took + " ms");
        as(agent).queryParam("waitSeconds", 61).get("/v1/approvals/" + id).then().statusCode(400).body("field", equalTo("waitSeconds"));
    }

    @Test
    void breakGlassApprovesAloneWithAReasonAndEveryoneHearsOfIt() throws Exception {
        RECEIVED.clear();
        String agentId = "glass-bot-" + UUID.randomUUID();
        String body = grant("ned@example.com", "glass-" + UUID.randomUUID());
        String id = as(TestTokens.agent(agentId)).body(body).post("/v1/decisions").then().body("approval.quorum", equalTo(2))
                .extract().path("approval.id");
        String oncall = TestTokens.token("oncall@example.com", "human", "break-glass");
        as(oncall).body("{\"breakGlass\": true}").post("/v1/approvals/" + id + "/approve").then().statusCode(400)
                .body("field", equalTo("comment"));
        as(TestTokens.token("sec-x@example.com", "human", "security")).body("{\"breakGlass\": true, \"comment\": \"prod down\"}")
                .post("/v1/approvals/" + id + "/approve").then().statusCode(403);
        as(oncall).body("{\"breakGlass\": true, \"comment\": \"production outage INC-7, CISO informed\"}")
                .post("/v1/approvals/" + id + "/approve").then().statusCode(200)
                .body("status", equalTo("APPROVED")).body("breakGlass", equalTo(true));
        assertNotNull(next("approval.break_glass", id));
        as(TestTokens.agent(agentId)).body(body.replaceFirst("\\{", "{\"approvalId\": \"" + id + "\", ")).post("/v1/decisions")
                .then().body("outcome", equalTo("ALLOW"));
        List<Object> flagged = as(TestTokens.auditor()).queryParam("limit", 1000).get("/v1/log").then().extract().jsonPath()
                .getList("entries.body.findAll { it.kind == 'approval' && it.entry.approvalId == '" + id + "' }.entry.breakGlass");
        assertEquals(List.of(true), flagged);
    }

    private static Map<String, Object> next(String type, String approvalId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Map<String, Object> event = RECEIVED.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && type.equals(event.get("type")) && approvalId.equals(((Map<?, ?>) event.get("data")).get("id"))) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " webhook for " + approvalId);
    }
}

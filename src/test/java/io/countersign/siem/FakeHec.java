package io.countersign.siem;

import java.io.IOException;
import java.io.InputStream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.countersign.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Splunk HTTP Event Collector on a local port, answering {@code POST /services/collector/event} as Splunk
 * does: the token in {@code Authorization: Splunk <token>} (401 {@code Token is required}, code 2, without
 * one; 403 {@code Invalid token}, code 4, for another), a body of JSON event objects one after another each
 * with an {@code event} (400 {@code No data}, code 5, or {@code Invalid data format}, code 6), and
 * {@code {"text":"Success","code":0}}. While told to fail it answers 503 {@code Server is busy} (code 9) and
 * keeps nothing; it starts by failing twice. {@code GET /recorded} returns what it accepted and refused;
 * {@code POST /fail?times=N} makes the next N requests fail. The base URL and the destination name, new for
 * each start, reach the tests as system properties.
 */
public class FakeHec implements QuarkusTestResourceLifecycleManager {
    static final String TOKEN = "6c9a1f52-0b1e-4f0e-9d55-0c1b7a3e2f10";
    static final String BASE = "countersign.test.hec.base";
    static final String DESTINATION = "countersign.test.hec.destination";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> accepted = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> refused = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failNext = new AtomicInteger(2);
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        server = TestServers.loopback();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/services/collector/event", this::collect);
        server.createContext("/recorded", x -> {
            Map<String, Object> recorded = new LinkedHashMap<>();
            synchronized (accepted) {
                recorded.put("accepted", List.copyOf(accepted));
            }
            synchronized (refused) {
                recorded.put("refused", List.copyOf(refused));
            }
            recorded.put("requests", requests.get());
            answer(x, 200, recorded);
        });
        server.createContext("/fail", x -> {
            failNext.set(Integer.parseInt(x.getRequestURI().getQuery().replace("times=", "")));
            answer(x, 200, Map.of());
        });
        server.start();
        String destination = "siem-test-" + UUID.randomUUID();
        System.setProperty(BASE, base);
        System.setProperty(DESTINATION, destination);
        return Map.of("countersign.siem.push.url", base + "/services/collector/event",
                "countersign.siem.push.token", TOKEN,
                "countersign.siem.push.destination", destination);
    }

    private void collect(HttpExchange x) throws IOException {
        requests.incrementAndGet();
        if (!"POST".equals(x.getRequestMethod())) {
            answer(x, 405, hec("Method not allowed", 404));
            return;
        }
        String authorization = x.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            answer(x, 401, hec("Token is required", 2));
            return;
        }
        if (!authorization.equals("Splunk " + TOKEN)) {
            answer(x, 403, hec("Invalid token", 4));
            return;
        }
        List<JsonNode> events = new ArrayList<>();
        try (InputStream in = x.getRequestBody();
                MappingIterator<JsonNode> objects = JSON.readerFor(JsonNode.class).readValues(in)) {
            while (objects.hasNext()) {
                JsonNode event = objects.next();
                if (!event.isObject() || !event.path("event").isObject()) {
                    answer(x, 400, hec("Invalid data format", 6));
                    return;
                }
                events.add(event);
            }
        } catch (IOException | RuntimeException e) {
            answer(x, 400, hec("Invalid data format", 6));
            return;
        }
        if (events.isEmpty()) {
            answer(x, 400, hec("No data", 5));
            return;
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            refused.addAll(events);
            answer(x, 503, hec("Server is busy", 9));
            return;
        }
        accepted.addAll(events);
        answer(x, 200, hec("Success", 0));
    }

    private static Map<String, Object> hec(String text, int code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("code", code);
        return body;
    }

    private static void answer(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}

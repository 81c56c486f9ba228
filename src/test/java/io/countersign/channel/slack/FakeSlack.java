package io.countersign.channel.slack;

import java.io.IOException;
import java.io.UncheckedIOException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.countersign.testing.TestServers;

/**
 * A local Slack that speaks the Web API's wire format: methods under {@code /api/} take a form or JSON
 * body and a bearer token and answer HTTP 200 with {@code {"ok": true, ...}} or {@code {"ok": false,
 * "error": "..."}} as Slack does ({@code not_authed}, {@code invalid_auth}, {@code channel_not_found},
 * {@code message_not_found}, {@code user_not_found}); {@code /respond/...} stands for an interaction's
 * {@code response_url}, which takes a JSON message. Every call is recorded for the tests to assert on.
 */
public class FakeSlack {
    public static final String TOKEN = "xoxb-0000-fake-bot-token";
    public static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    public static final String TEAM = "T0TEAM";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request: the method (or {@code response_url}), its path, its token, its parameters (a JSON body's top-level fields as text). */
    public record Call(String method, String path, String authorization, String contentType, Map<String, String> params,
            JsonNode answer) {
        public String param(String name) {
            return params.get(name);
        }

        /** The {@code ts} Slack gave the posted message. */
        public String ts() {
            return answer.path("ts").asText(null);
        }

        /** A parameter that carries JSON ({@code blocks}, {@code view}). */
        public JsonNode json(String name) {
            try {
                return JSON.readTree(params.get(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Profile(String email, boolean confirmed) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Profile> users = new ConcurrentHashMap<>();
    private final Set<String> messages = ConcurrentHashMap.newKeySet();
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000100L);
    private HttpServer server;

    public void start() {
        server = TestServers.loopback();
        server.createContext("/api/", this::method);
        server.createContext("/respond/", this::respond);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public void stop() {
        server.stop(0);
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
    }

    public String responseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/respond/" + TEAM + "/" + clock.incrementAndGet() + "/x0Rw";
    }

    /** A workspace member as {@code users.info} will give them. */
    public void user(String id, String email, boolean emailConfirmed) {
        users.put(id, new Profile(email, emailConfirmed));
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    public Optional<Call> find(String method, Predicate<Call> wanted) {
        return calls(method).stream().filter(wanted).findFirst();
    }

    private void method(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestURI().getPath().substring("/api/".length());
        Call call = read(method, exchange);
        ObjectNode answer;
        if (call.authorization() == null) {
            answer = error("not_authed");
        } else if (!call.authorization().equals("Bearer " + TOKEN)) {
            answer = error("invalid_auth");
        } else {
            answer = switch (method) {
                case "chat.postMessage" -> postMessage(call);
                case "chat.update" -> update(call);
                case "users.info" -> userInfo(call);
                case "views.open" -> openView(call);
                default -> error("unknown_method");
            };
        }
        answer(exchange, call, answer);
    }

    private ObjectNode postMessage(Call call) {
        String channel = call.param("channel");
        if (channel == null || !channel.startsWith("C")) {
            return error("channel_not_found");
        }
        if (call.param("text") == null && call.param("blocks") == null) {
            return error("no_text");
        }
        long now = clock.incrementAndGet();
        String ts = now / 1_000_000 + "." + String.format("%06d", now % 1_000_000);
        messages.add(channel + "/" + ts);
        ObjectNode ok = ok().put("channel", channel).put("ts", ts);
        ok.set("message", message(call, ts));
        return ok;
    }

    private ObjectNode update(Call call) {
        String channel = call.param("channel");
        String ts = call.param("ts");
        if (!messages.contains(channel + "/" + ts)) {
            return error("message_not_found");
        }
        ObjectNode ok = ok().put("channel", channel).put("ts", ts).put("text", call.param("text"));
        ok.set("message", message(call, ts));
        return ok;
    }

    private ObjectNode userInfo(Call call) {
        String id = call.param("user");
        Profile profile = id == null ? null : users.get(id);
        if (profile == null) {
            return error("user_not_found");
        }
        ObjectNode user = JSON.createObjectNode().put("id", id).put("team_id", TEAM).put("name", id.toLowerCase())
                .put("deleted", false).put("is_bot", false).put("is_admin", false).put("is_email_confirmed", profile.confirmed())
                .put("tz", "Europe/Berlin");
        user.putObject("profile").put("email", profile.email()).put("real_name", id).put("display_name", id);
        ObjectNode ok = ok();
        ok.set("user", user);
        return ok;
    }

    private ObjectNode openView(Call call) {
        if (call.param("trigger_id") == null || call.param("view") == null) {
            return error("invalid_arguments");
        }
        JsonNode sent = call.json("view");
        ObjectNode view = JSON.createObjectNode().put("id", "V0" + clock.incrementAndGet()).put("team_id", TEAM)
                .put("type", sent.path("type").asText()).put("callback_id", sent.path("callback_id").asText())
                .put("private_metadata", sent.path("private_metadata").asText()).put("hash", "1700000000.abcdef");
        view.set("blocks", sent.path("blocks"));
        view.set("title", sent.path("title"));
        view.putObject("state").putObject("values");
        ObjectNode ok = ok();
        ok.set("view", view);
        return ok;
    }

    private void respond(HttpExchange exchange) throws IOException {
        Call call = read("response_url", exchange);
        answer(exchange, call, call.param("text") == null ? error("no_text") : ok());
    }

    private static Call read(String method, HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> params = new LinkedHashMap<>();
        if (type != null && type.startsWith("application/json")) {
            JSON.readTree(body).fields().forEachRemaining(f -> params.put(f.getKey(),
                    f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
        } else if (!body.isEmpty()) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return new Call(method, exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"), type,
                params, null);
    }

    private static ObjectNode message(Call call, String ts) {
        ObjectNode message = JSON.createObjectNode().put("type", "message").put("bot_id", "B0FAKE").put("text", call.param("text"))
                .put("ts", ts);
        if (call.param("thread_ts") != null) {
            message.put("thread_ts", call.param("thread_ts"));
        }
        if (call.param("blocks") != null) {
            message.set("blocks", call.json("blocks"));
        }
        return message;
    }

    private static ObjectNode ok() {
        return JSON.createObjectNode().put("ok", true);
    }

    private static ObjectNode error(String error) {
        return JSON.createObjectNode().put("ok", false).put("error", error);
    }

    private void answer(HttpExchange exchange, Call call, ObjectNode answer) throws IOException {
        calls.add(new Call(call.method(), call.path(), call.authorization(), call.contentType(), call.params(), answer));
        byte[] bytes = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}

package io.countersign.channel.teams;

import java.io.IOException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.countersign.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Microsoft's side of Teams on one local port, answering as the real services do: the Bot Framework
 * OpenID metadata and its JWKS (a local RSA key, with {@code endorsements}), the Entra ID token endpoint
 * (client-credentials form), the Bot Connector's conversation activities (create, reply, update; bearer
 * token required) and a Teams Workflows webhook (202). What they received is read back at
 * {@code GET /recorded}, and the signing keys are handed to the tests as system properties, so the tests
 * need not share classes with this resource (Quarkus may load them twice).
 */
public class FakeTeams implements QuarkusTestResourceLifecycleManager {
    static final String APP_ID = "5c1f0e2a-7d3b-4c8e-9a61-0b5e2f4d7c11";
    static final String APP_PASSWORD = "fake~client~secret.0123456789";
    static final String KID = "bf-key-1";
    static final String ROTATED_KID = "bf-key-2";
    static final String SECURITY_ROOM = "19:sec-room+1@thread.tacv2";
    static final String BROKEN_ROOM = "19:broken@thread.tacv2";
    /** System properties: the base URL, and the private JWKs the tests sign with. */
    static final String BASE = "countersign.test.teams.base";
    static final String KEY = "countersign.test.teams.key";
    static final String ROTATED_KEY = "countersign.test.teams.rotated-key";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Object> webhook = Collections.synchronizedList(new ArrayList<>());
    private final List<Object> connector = Collections.synchronizedList(new ArrayList<>());
    private final List<Object> tokenRequests = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger keyFetches = new AtomicInteger();
    private final AtomicLong activityIds = new AtomicLong(1_712_000_000_000L);
    private volatile boolean rotated;
    private RsaJsonWebKey key;
    private RsaJsonWebKey rotatedKey;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(KID);
            rotatedKey = RsaJwkGenerator.generateJwk(2048);
            rotatedKey.setKeyId(ROTATED_KID);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        server = TestServers.loopback();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/botframework/v1/.well-known/openidconfiguration", x -> {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("issuer", "https://api.botframework.com");
            metadata.put("authorization_endpoint", "https://invalid.botframework.com");
            metadata.put("jwks_uri", base + "/botframework/v1/.well-known/keys");
            metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
            metadata.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
            answer(x, 200, metadata);
        });
        server.createContext("/botframework/v1/.well-known/keys", x -> {
            keyFetches.incrementAndGet();
            List<Object> keys = new ArrayList<>();
            keys.add(published(key));
            if (rotated) {
                keys.add(published(rotatedKey));
            }
            answer(x, 200, Map.of("keys", keys));
        });
        server.createContext("/entra/botframework.com/oauth2/v2.0/token", this::token);
        server.createContext("/connector/v3/conversations/", this::activities);
        server.createContext("/workflows/hook", x -> {
            String type = x.getRequestHeaders().getFirst("Content-Type");
            if (!"POST".equals(x.getRequestMethod()) || type == null || !type.startsWith("application/json")) {
                answer(x, 400, Map.of("error", Map.of("code", "InvalidRequestContent", "message", "expected a JSON POST")));
                return;
            }
            webhook.add(JSON.readValue(x.getRequestBody(), Object.class));
            x.sendResponseHeaders(202, -1);
            x.close();
        });
        server.createContext("/recorded", x -> {
            Map<String, Object> recorded = new LinkedHashMap<>();
            synchronized (webhook) {
                recorded.put("webhook", List.copyOf(webhook));
            }
            synchronized (connector) {
                recorded.put("connector", List.copyOf(connector));
            }
            synchronized (tokenRequests) {
                recorded.put("tokenRequests", List.copyOf(tokenRequests));
            }
            recorded.put("keyFetches", keyFetches.get());
            answer(x, 200, recorded);
        });
        server.createContext("/admin/rotate", x -> {
            rotated = true;
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.start();
        System.setProperty(BASE, base);
        System.setProperty(KEY, key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        System.setProperty(ROTATED_KEY, rotatedKey.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));

        Map<String, String> config = new LinkedHashMap<>();
        config.put("countersign.teams.webhook.url", base + "/workflows/hook?api-version=2016-06-01&sig=abc");
        config.put("countersign.teams.bot.enabled", "true");
        config.put("countersign.teams.bot.app-id", APP_ID);
        config.put("countersign.teams.bot.app-password", APP_PASSWORD);
        config.put("countersign.teams.bot.openid-metadata-url", base + "/botframework/v1/.well-known/openidconfiguration");
        config.put("countersign.teams.bot.token-url", base + "/entra/botframework.com/oauth2/v2.0/token");
        config.put("countersign.teams.bot.service-url", base + "/connector/");
        config.put("countersign.teams.bot.conversations.\"security\"", SECURITY_ROOM);
        config.put("countersign.teams.bot.conversations.\"sre\"", BROKEN_ROOM);
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A public JWK as login.botframework.com lists it: with the channels it is endorsed for. */
    private static Map<String, Object> published(RsaJsonWebKey key) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = JSON.readValue(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY), Map.class);
        jwk.put("use", "sig");
        jwk.put("endorsements", List.of("msteams", "emulator"));
        return jwk;
    }

    /** Entra ID's v2 token endpoint, client-credentials grant. */
    private void token(HttpExchange x) throws IOException {
        String type = x.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> form = form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        tokenRequests.add(form);
        if (!"POST".equals(x.getRequestMethod()) || type == null || !type.startsWith("application/x-www-form-urlencoded")) {
            answer(x, 400, Map.of("error", "invalid_request", "error_description", "AADSTS900144: The request body must contain the grant_type."));
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type")) || !"https://api.botframework.com/.default".equals(form.get("scope"))) {
            answer(x, 400, Map.of("error", "invalid_request", "error_description", "AADSTS70011: The provided value for scope is not valid."));
            return;
        }
        if (!APP_ID.equals(form.get("client_id")) || !APP_PASSWORD.equals(form.get("client_secret"))) {
            answer(x, 401, Map.of("error", "invalid_client", "error_description", "AADSTS7000215: Invalid client secret provided."));
            return;
        }
        String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake." + UUID.randomUUID();
        issuedTokens.add(token);
        answer(x, 200, Map.of("token_type", "Bearer", "expires_in", 3599, "ext_expires_in", 3599, "access_token", token));
    }

    /** {@code /v3/conversations/{conversationId}/activities[/{activityId}]}: create (POST), reply (POST), update (PUT). */
    private void activities(HttpExchange x) throws IOException {
        String authorization = x.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !issuedTokens.contains(authorization.replaceFirst("^Bearer ", ""))) {
            answer(x, 401, Map.of("message", "Authorization has been denied for this request."));
            return;
        }
        String[] parts = x.getRequestURI().getRawPath().substring("/connector/v3/conversations/".length()).split("/");
        if (parts.length < 2 || !"activities".equals(parts[1]) || parts.length > 3) {
            answer(x, 404, Map.of("error", Map.of("code", "NotFound", "message", "no such route")));
            return;
        }
        String conversation = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        String activityId = parts.length == 3 ? URLDecoder.decode(parts[2], StandardCharsets.UTF_8) : null;
        if (BROKEN_ROOM.equals(conversation)) {
            answer(x, 503, Map.of("error", Map.of("code", "ServiceError", "message", "the service is unavailable")));
            return;
        }
        String method = x.getRequestMethod();
        if (!(("POST".equals(method)) || ("PUT".equals(method) && activityId != null))) {
            answer(x, 405, Map.of("error", Map.of("code", "MethodNotAllowed", "message", method)));
            return;
        }
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("method", method);
        call.put("conversationId", conversation);
        call.put("activityId", activityId);
        call.put("contentType", x.getRequestHeaders().getFirst("Content-Type"));
        call.put("body", JSON.readValue(x.getRequestBody(), Object.class));
        String id = "PUT".equals(method) ? activityId : Long.toString(activityIds.incrementAndGet());
        call.put("answeredId", id);
        connector.add(call);
        answer(x, "PUT".equals(method) ? 200 : 201, Map.of("id", id));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void answer(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }
}

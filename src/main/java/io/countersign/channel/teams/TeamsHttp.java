package io.countersign.channel.teams;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Calls to Microsoft's side (Workflows, Entra, the Bot Connector, Bot Framework keys): JSON in and out,
 * short timeouts, no redirects; and the one place their failures are logged and counted
 * ({@code countersign_teams_errors_total{operation}}).
 */
@ApplicationScoped
public class TeamsHttp {
    private static final Logger LOG = Logger.getLogger(TeamsHttp.class);
    static final ObjectMapper JSON = new ObjectMapper();

    /** A call that did not answer 2xx, or did not answer. */
    public static class CallFailed extends Exception {
        CallFailed(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final MeterRegistry registry;
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    TeamsHttp(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Sends {@code body} as JSON with {@code method}; answers the JSON answer, or a missing node when there is none or it is not JSON. */
    public JsonNode json(String method, URI uri, Object body, String bearer) throws CallFailed {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                request.header("Content-Type", "application/json; charset=utf-8")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } catch (IOException e) {
                throw new CallFailed("the body cannot be written as JSON: " + e.getMessage(), e);
            }
        }
        return send(request.build());
    }

    /** Posts an {@code application/x-www-form-urlencoded} form (an OAuth token request). */
    public JsonNode form(URI uri, Map<String, String> fields) throws CallFailed {
        String form = fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build());
    }

    /** Logs (WARN) and counts a failed call; a failure on Microsoft's side never fails a vote or a decision. */
    public void failed(String operation, String about, Exception e) {
        LOG.warnf("Teams %s failed (%s): %s", operation, about, e.getMessage());
        errors.computeIfAbsent(operation, op -> Counter.builder("countersign.teams.errors").tag("operation", op)
                .description("Calls to Microsoft Teams or Bot Framework that failed, by operation").register(registry))
                .increment();
    }

    /** A path segment, percent-encoded (Teams conversation ids hold {@code :}, {@code @} and {@code ;}). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(HttpRequest request) throws CallFailed {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CallFailed(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed(request.method() + " " + request.uri() + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            String text = new String(response.body(), StandardCharsets.UTF_8);
            throw new CallFailed(request.method() + " " + request.uri() + ": HTTP " + response.statusCode()
                    + (text.isBlank() ? "" : " " + text.substring(0, Math.min(300, text.length()))), null);
        }
        try {
            // Workflows answers 202 with no body; callers that need fields check for them.
            return response.body().length == 0 ? MissingNode.getInstance() : JSON.readTree(response.body());
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }
}

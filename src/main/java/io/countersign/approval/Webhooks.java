package io.countersign.approval;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Delivers events to the configured destinations, signed per Standard Webhooks: {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>}.
 * A delivery that fails (no answer, or not 2xx) is retried with doubling waits; the same id is kept,
 * so a receiver can drop duplicates.
 */
@ApplicationScoped
public class Webhooks {
    private static final Logger LOG = Logger.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "countersign-webhooks");
        t.setDaemon(true);
        return t;
    });

    Webhooks(WebhookConfig config) {
        this.config = config;
    }

    void announce(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        config.destinations().forEach((name, d) -> LOG.infof("Webhooks: %s -> %s for %s", name, d.url(), d.events()));
    }

    public void publish(String type, Object data) {
        if (config.destinations().isEmpty()) {
            return;
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("timestamp", Instant.now().toString());
        event.put("data", data);
        String body;
        try {
            body = JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            LOG.errorf("webhook %s not sent: %s", type, e.getMessage());
            return;
        }
        config.destinations().forEach((name, destination) -> {
            if (destination.events().contains(type)) {
                try {
                    deliver(name, destination, "msg_" + UUID.randomUUID(), body, 1);
                } catch (RuntimeException e) {
                    // A misconfigured destination must not turn a committed change into an error.
                    LOG.errorf("webhook %s to %s not sent: %s", type, name, e.getMessage());
                }
            }
        });
    }

    private void deliver(String name, WebhookConfig.Destination destination, String id, String body, int attempt) {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(destination.url()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", timestamp)
                .header("webhook-signature", signature(destination.secret(), id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() / 100 == 2) {
                return;
            }
            String why = failure != null ? failure.toString() : "HTTP " + response.statusCode();
            if (attempt >= config.attempts()) {
                LOG.errorf("webhook %s to %s given up after %d attempts: %s", id, name, attempt, why);
                return;
            }
            long wait = config.firstRetryAfter().toMillis() << (attempt - 1);
            LOG.warnf("webhook %s to %s failed (%s); retry %d in %d ms", id, name, why, attempt, wait);
            retries.schedule(() -> deliver(name, destination, id, body, attempt + 1), wait, TimeUnit.MILLISECONDS);
        });
    }

    /** {@code v1,} and the base64 HMAC-SHA256, keyed with the secret's bytes, of {@code id.timestamp.body}. */
    public static String signature(String secret, String id, String timestamp, String body) {
        byte[] key = secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring(6))
                : secret.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    @PreDestroy
    void stop() {
        retries.shutdownNow();
    }
}

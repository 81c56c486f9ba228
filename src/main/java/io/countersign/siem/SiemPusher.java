package io.countersign.siem;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.countersign.audit.LogReader;
import io.countersign.audit.LogReader.StoredEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Pushes the log's events to a Splunk HTTP Event Collector style endpoint, in sequence order, at least once.
 * Each pass holds the destination's row, sends the entries after its acknowledged sequence in batches, and
 * moves that sequence only after a 2xx answer. A failed request is retried with doubling waits, from the same
 * sequence: nothing is skipped, and nothing acknowledged is sent again. The gauge
 * {@code countersign_siem_push_lag_entries} (head sequence minus acknowledged) shows a push falling behind.
 */
@ApplicationScoped
public class SiemPusher {
    private static final Logger LOG = Logger.getLogger(SiemPusher.class);

    /** Why a pass stopped before it caught up. */
    static final class PushFailed extends Exception {
        PushFailed(String message) {
            super(message);
        }
    }

    private final SiemConfig.Push config;
    private final LogReader reader;
    private final SiemDestinations destinations;
    private final MeterRegistry registry;
    private final String instance = UUID.randomUUID().toString();
    private final String host = hostName();
    private HttpClient http;
    private Counter sent;
    private Counter failures;
    private volatile double lag = Double.NaN;
    private int failuresInARow;
    private Instant retryAt = Instant.MIN;

    SiemPusher(SiemConfig config, LogReader reader, SiemDestinations destinations, MeterRegistry registry) {
        this.config = config.push();
        this.reader = reader;
        this.destinations = destinations;
        this.registry = registry;
    }

    void start(@Observes StartupEvent start) {
        if (config.url().isEmpty()) {
            return;
        }
        String scheme = config.url().get().getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalStateException("countersign.siem.push.url must be an http(s) URL: " + config.url().get());
        }
        if (config.token().filter(t -> !t.isBlank()).isEmpty()) {
            throw new IllegalStateException("countersign.siem.push.url is set but countersign.siem.push.token is not:"
                    + " an HTTP Event Collector needs its token");
        }
        if (config.batchSize() < 1 || config.batchSize() > SiemFeed.MAX_LIMIT) {
            throw new IllegalStateException("countersign.siem.push.batch-size must be from 1 to " + SiemFeed.MAX_LIMIT);
        }
        http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
        String destination = config.destination();
        Gauge.builder("countersign.siem.push.lag.entries", this, p -> p.lag).tag("destination", destination)
                .description("log entries not yet acknowledged by the SIEM push destination").register(registry);
        sent = Counter.builder("countersign.siem.push.events").tag("destination", destination)
                .description("events the SIEM push destination acknowledged").register(registry);
        failures = Counter.builder("countersign.siem.push.failures").tag("destination", destination)
                .description("SIEM push requests that failed (each is retried)").register(registry);
        LOG.infof("SIEM push of %s events to %s (destination %s)", config.format(), config.url().get(), destination);
    }

    @Scheduled(every = "${countersign.siem.push.every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (http == null) {
            return;
        }
        Instant now = Instant.now();
        if (now.isBefore(retryAt)) {
            measureLag();
            return;
        }
        try {
            push();
            failuresInARow = 0;
        } catch (PushFailed | SQLException | RuntimeException e) {
            failuresInARow++;
            failures.increment();
            Duration wait = backoff(failuresInARow);
            retryAt = Instant.now().plus(wait);
            LOG.warnf("SIEM push to %s failed (%d in a row), retrying in %s: %s", config.destination(), failuresInARow,
                    wait, e.getMessage());
            measureLag();
        }
    }

    /** Sends batches until caught up with the head, another instance holds the destination, or a request fails. */
    private void push() throws PushFailed, SQLException {
        String name = config.destination();
        destinations.ensure(name);
        while (true) {
            Instant now = Instant.now();
            if (!destinations.hold(name, instance, now, now.plus(config.hold()))) {
                measureLag();
                return;
            }
            long acked = destinations.acknowledged(name).orElseThrow(() -> new SQLException("destination row " + name + " is gone"));
            long head = reader.head().sequence();
            lag = Math.max(0, head - acked);
            if (acked >= head) {
                return;
            }
            List<StoredEntry> batch = reader.page(acked, head, config.batchSize());
            // INVARIANT: the push never skips an entry: a batch starts right after the acknowledged sequence
            // and has no holes.
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).sequence() != acked + 1 + i) {
                    throw new PushFailed("the log has no entry " + (acked + 1 + i) + " to send; not skipping it");
                }
            }
            if (batch.isEmpty()) {
                throw new PushFailed("the log has no entry " + (acked + 1) + " to send; not skipping it");
            }
            send(batch);
            long last = batch.get(batch.size() - 1).sequence();
            if (!destinations.acknowledge(name, instance, acked, last, Instant.now())) {
                LOG.infof("SIEM destination %s moved on meanwhile (another instance); this pass stops", name);
                return;
            }
            sent.increment(batch.size());
            lag = Math.max(0, head - last);
        }
    }

    private void send(List<StoredEntry> batch) throws PushFailed {
        StringBuilder body = new StringBuilder(batch.size() * 1_600);
        for (StoredEntry entry : batch) {
            body.append(envelope(entry)).append('\n');
        }
        HttpRequest request = HttpRequest.newBuilder(config.url().get()).timeout(config.timeout())
                .header("Authorization", "Splunk " + config.token().orElseThrow())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PushFailed("cannot reach " + config.url().get() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushFailed("interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            String said = response.body();
            throw new PushFailed("HTTP " + response.statusCode() + " for entries " + batch.get(0).sequence() + "-"
                    + batch.get(batch.size() - 1).sequence() + ": " + (said.length() > 300 ? said.substring(0, 300) : said));
        }
    }

    /** One HEC event: {@code {"time", "host", "source", "sourcetype", ["index"], "event"}}; time in epoch seconds. */
    private String envelope(StoredEntry entry) {
        ObjectNode event = SiemFeed.event(entry, config.format());
        ObjectNode hec = LoggedEvent.JSON.createObjectNode();
        long millis = config.format() == SiemFormat.OCSF ? event.path("time").asLong()
                : Instant.parse(event.path("@timestamp").asText()).toEpochMilli();
        hec.put("time", BigDecimal.valueOf(millis, 3));
        hec.put("host", host);
        hec.put("source", "countersign");
        hec.put("sourcetype", config.sourcetype().orElse("countersign:" + config.format().name().toLowerCase()));
        config.index().ifPresent(i -> hec.put("index", i));
        hec.set("event", event);
        try {
            return LoggedEvent.JSON.writeValueAsString(hec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the event of entry " + entry.sequence(), e);
        }
    }

    private void measureLag() {
        try {
            long head = reader.head().sequence();
            destinations.acknowledged(config.destination()).ifPresent(acked -> lag = Math.max(0, head - acked));
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("SIEM push lag not measured: %s", e.getMessage());
        }
    }

    Duration backoff(int failuresInARow) {
        Duration wait = config.backoff();
        for (int i = 1; i < failuresInARow && wait.compareTo(config.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "countersign";
        }
    }
}

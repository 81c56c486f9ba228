package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.identity.LocalTokens;

/**
 * One Countersign service run as its own JVM from the packaged jar ({@code countersign.it.app}), and an
 * HTTP client for it. The process can be killed with SIGKILL and started again on the same port, data
 * directory and database, as an operator's restart would.
 */
final class ServiceProcess implements AutoCloseable {
    private static final Path APP = Path.of(System.getProperty("countersign.it.app", "target/quarkus-app"))
            .toAbsolutePath();
    private static final Path WORK = Path.of("target/reliability-it").toAbsolutePath();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** An HTTP answer: its status, media type and parsed JSON body. */
    record Answer(int status, String contentType, JsonNode body, String retryAfter) {
        String code() {
            return body.path("code").asText(null);
        }
    }

    /**
     * A log entry as paged out of {@code GET /v1/log}: the decision's fields are null for other kinds;
     * {@code entry} is the entry's body as logged.
     */
    record LogEntry(long sequence, String kind, String decisionId, String outcome, String caller, JsonNode entry) {
    }

    /** {@code GET /v1/log/verify}. */
    record Verification(boolean valid, long entriesChecked, long headSequence, String headHash,
            Long firstBrokenSequence, String problem, int checkpointsChecked, List<String> checkpointProblems) {
    }

    private final String name;
    private final Path dataDir;
    private final Map<String, String> settings;
    private final int port;
    private final LocalTokens tokens;
    private final String agentToken;
    private final String auditorToken;
    private final HttpClient http;
    private Process process;
    private int starts;

    private ServiceProcess(String name, Path dataDir, Map<String, String> settings) {
        this.name = name;
        this.dataDir = dataDir;
        this.settings = Map.copyOf(settings);
        this.port = freePort();
        // Minting first creates the token key, so the service finds and verifies against the same one.
        this.tokens = new LocalTokens(LocalTokens.key(dataDir), "urn:countersign:local", "countersign");
        this.agentToken = token(agent(), "agent", "agent");
        this.auditorToken = token("audrey@example.com", "human", "auditor");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Starts a service named {@code name} (for its output file and agent) on {@code dataDir}, with
     * {@code settings} added to its environment, and waits until it is ready.
     */
    static ServiceProcess start(String name, Path dataDir, Map<String, String> settings) {
        ServiceProcess service = launch(name, dataDir, settings);
        service.awaitReady();
        return service;
    }

    /** As {@link #start}, without waiting: for starting several services side by side. */
    static ServiceProcess launch(String name, Path dataDir, Map<String, String> settings) {
        ServiceProcess service = new ServiceProcess(name, dataDir, settings);
        service.relaunch();
        return service;
    }

    /** A new, empty data directory for one test, under {@code target/reliability-it}. */
    static Path newDataDir(String test) {
        try {
            return Files.createTempDirectory(Files.createDirectories(WORK), test + "-").resolve("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the process again, after {@link #kill()}, with the same port, data and settings; without waiting. */
    void relaunch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        starts++;
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar",
                APP.resolve("quarkus-run.jar").toString());
        // Nothing from the environment running the build leaks into the service's configuration.
        builder.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("COUNTERSIGN_"));
        builder.environment().putAll(environment());
        // Its own working directory: no .env or ./data of the repository is picked up.
        builder.directory(dataDir.getParent().toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output().toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until {@code /q/health/ready} answers 200; fails early if the process exits. */
    void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail(name + " exited with " + process.exitValue() + " before it was ready: " + errors() + "; see "
                        + output());
            }
            if (readiness() == 200) {
                return;
            }
            pause(Duration.ofMillis(100));
        }
        fail(name + " was not ready within " + START_TIMEOUT + "; see " + output());
    }

    /** SIGKILL (what {@code destroyForcibly} sends on Linux): no shutdown hook, no flush, no goodbye. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail(name + " did not die after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A token for this service, valid for an hour, signed with its local key. */
    String token(String subject, String type, String... groups) {
        return tokens.mint(subject, type, List.of(groups), Duration.ofHours(1));
    }

    /** The agent id this service's decisions are made for. */
    String agent() {
        return name + "-bot";
    }

    /** The status of {@code GET /q/health/ready}, or -1 when nothing answers. */
    int readiness() {
        try {
            return http.send(HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code POST /v1/decisions} as this service's agent; an I/O failure (nothing answered) is thrown. */
    Answer decide(String body) throws IOException {
        return send(HttpRequest.newBuilder(uri("/v1/decisions")).header("Authorization", "Bearer " + agentToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** {@code POST path} with {@code body} as the bearer of {@code token}. */
    Answer post(String path, String token, String body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The whole log, paged through {@code GET /v1/log} as an auditor. */
    List<LogEntry> log() throws IOException {
        List<LogEntry> entries = new ArrayList<>();
        long after = 0;
        while (true) {
            Answer page = auditor("/v1/log?afterSequence=" + after + "&limit=1000");
            expectOk(page, "GET /v1/log");
            if (page.body().path("entries").isEmpty()) {
                return entries;
            }
            for (JsonNode e : page.body().path("entries")) {
                String kind = e.path("body").path("kind").asText();
                // Other kinds (an approval's changes) may name a decision too; only a decision entry records one.
                JsonNode entry = kind.equals("decision") ? e.path("body").path("entry") : JSON.missingNode();
                entries.add(new LogEntry(e.path("sequence").asLong(), kind, entry.path("decisionId").asText(null),
                        entry.path("outcome").asText(null), entry.path("caller").path("id").asText(null),
                        e.path("body").path("entry")));
            }
            after = page.body().path("next").asLong();
        }
    }

    /** {@code GET path} as the bearer of {@code token}. */
    Answer get(String path, String token) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET());
    }

    /** {@code GET /v1/approvals/{id}} as an auditor. */
    Answer approval(String id) throws IOException {
        return auditor("/v1/approvals/" + id);
    }

    /** {@code GET /v1/log/verify} as an auditor. */
    Verification verify() throws IOException {
        Answer answer = auditor("/v1/log/verify");
        expectOk(answer, "GET /v1/log/verify");
        return JSON.treeToValue(answer.body(), Verification.class);
    }

    /** {@code POST /v1/log/checkpoints} as an auditor: a signed checkpoint at the current head. */
    Answer checkpoint() throws IOException {
        return send(HttpRequest.newBuilder(uri("/v1/log/checkpoints")).header("Authorization", "Bearer " + auditorToken)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    Path output() {
        return dataDir.getParent().resolve(name + "-" + starts + ".log");
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + " on port " + port;
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first few errors in the process's output, to say in a failure why it did not start. */
    private String errors() {
        try (var lines = Files.lines(output())) {
            return lines.filter(l -> l.contains("ERROR") || l.startsWith("Caused by")).limit(3).toList().toString();
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("COUNTERSIGN_DATA_DIR", dataDir.toString());
        env.put("COUNTERSIGN_RULES_DIR", Path.of("rules").toAbsolutePath().toString());
        // Load runs send as one agent as fast as they can; the per-caller limit is tested on its own.
        env.put("COUNTERSIGN_RATE_LIMIT_PER_SECOND", "0");
        env.putAll(settings);
        return env;
    }

    private Answer auditor(String path) throws IOException {
        return get(path, auditorToken);
    }

    private Answer send(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), type, body,
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void expectOk(Answer answer, String what) {
        if (answer.status() != 200) {
            fail(what + " answered " + answer.status() + ": " + answer.body());
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

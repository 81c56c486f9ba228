package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
    /** The ports given to services in this JVM ({@link #freePort}). */
    private static final Set<Integer> GIVEN = new HashSet<>();

    /** An HTTP answer: its status, media type and parsed JSON body. */
    record Answer(int status, String contentType, JsonNode body, String retryAfter) {
        String code() {
            return body.path("code").asText(null);
        }
    }

    /** An HTTP answer as it came: status, media type and the body's bytes (an evidence bundle is not JSON). */
    record Reply(int status, String contentType, byte[] body) {
        /** The body as JSON; fails the test when it is not. */
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return fail("the body is not JSON (" + e.getMessage() + "): " + new String(body, StandardCharsets.UTF_8));
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
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

    /**
     * {@code method path} ({@code path} percent-encoded already, with its query) with {@code body} (null
     * for none) as the bearer of {@code token}; an answer that does not come within {@code timeout} is
     * thrown as {@link java.net.http.HttpTimeoutException}.
     */
    Reply exchange(String method, String path, String token, byte[] body, Duration timeout) throws IOException {
        if (!wellFormed(path)) {
            return exchangeRaw(method, path, token, body, timeout);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Whether {@code path} is a URI reference {@link java.net.URI} accepts (Quarkus checks requests with it too). */
    static boolean wellFormed(String path) {
        try {
            new URI(path);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * As {@link #exchange}, over a plain socket, for a target the HTTP client refuses to send (a malformed
     * percent escape): the request line is written as given.
     */
    private Reply exchangeRaw(String method, String target, String token, byte[] body, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n" + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no answer within " + timeout);
        }
    }

    /** An HTTP/1.1 response read to its end (the connection closes after it). */
    private static Reply parse(byte[] response) throws IOException {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("not an HTTP response: " + text);
        }
        List<String> head = List.of(text.substring(0, end).split("\r\n"));
        int status = Integer.parseInt(head.get(0).split(" ")[1]);
        String type = "";
        boolean chunked = false;
        for (String header : head.subList(1, head.size())) {
            String name = header.substring(0, Math.max(0, header.indexOf(':'))).strip();
            String value = header.substring(header.indexOf(':') + 1).strip();
            type = name.equalsIgnoreCase("Content-Type") ? value : type;
            chunked |= name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked");
        }
        byte[] body = Arrays.copyOfRange(response, end + 4, response.length);
        return new Reply(status, type, chunked ? unchunk(body) : body);
    }

    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String text = new String(chunked, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            body.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toByteArray();
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

    /**
     * A port nothing listens on, taken from below the kernel's ephemeral range. A port from
     * {@code new ServerSocket(0)} lies inside that range, so between the check and the service's bind
     * an outgoing connection (a load run's, a JDBC pool's) could be given it as its local port; CI saw
     * a service fail its start that way. Ports handed out in this JVM are not handed out again.
     */
    private static synchronized int freePort() {
        int below = ephemeralStart();
        int low = below > 11_024 ? 10_000 : 1_024;
        if (below <= low) {
            // No room below the range: a port from inside it, as before, is the best there is.
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Random random = new Random();
        for (int tries = 0; tries < 200; tries++) {
            int port = low + random.nextInt(below - low);
            if (!GIVEN.contains(port) && bindable(port)) {
                GIVEN.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port found in " + low + "-" + (below - 1));
    }

    /** Whether a listener could bind {@code port} on every address, as the service does. */
    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's range for outgoing connections (Linux's default when it cannot be read). */
    private static int ephemeralStart() {
        try {
            // Read by lines: procfs reports a size of 0, and Files.readString then returns the first byte only.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}

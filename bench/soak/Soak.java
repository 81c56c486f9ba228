import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak driver (bench/soak.sh runs it with the JDK alone: java bench/soak/Soak.java ...).
 *
 * Phase 1 measures the peak: CONCURRENCY closed-loop agents posting decisions for WARMUP_SECONDS (to warm
 * the JIT; not counted), then for PEAK_SECONDS.
 * Phase 2 sends at RATE_SHARE of that peak, open loop (a request is due every 1/rate s whether or not the
 * last was answered; latency counts from when it was due, so a stall is not hidden), for SOAK_MINUTES.
 * One request in ten is a step of an approval cycle: ask (REQUIRE_APPROVAL), a data-governance human
 * approves, ask again with the approval (ALLOW, the approval used). Each minute it writes a CSV row:
 * requests, answers by status, p50/p99/max latency, the service's heap used and old generation after GC
 * (from /q/metrics), and its resident set size. Every LIVE_EVERY minutes (5; 0: never) it first has the
 * service collect its whole heap (jcmd PID GC.run), so that heap used is the live set: the figure that
 * must stay flat. That minute's p99 includes the pause.
 *
 * Arguments: BASE_URL AGENT_TOKEN APPROVER_TOKEN SERVICE_PID OUT_CSV
 * Environment: SOAK_MINUTES (30), LIVE_EVERY (5), WARMUP_SECONDS (60), PEAK_SECONDS (30), RATE_SHARE (0.5), CONCURRENCY (32), SENDERS (64)
 */
public class Soak {
    private static final Pattern APPROVAL_ID = Pattern.compile("\"approval\":\\{\"id\":\"([^\"]+)\"");
    private static final String[] ENVIRONMENTS = { "production", "staging", "development" };
    private static final String[] CLASSIFICATIONS = { "confidential", "internal", "public" };
    private static final int LIVE_EVERY = Integer.parseInt(env("LIVE_EVERY", "5"));

    private final String base;
    private final String agent;
    private final String approver;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong counter = new AtomicLong();

    /** One minute's answers. */
    private static final class Window {
        final List<Long> latencies = new ArrayList<>();
        final Map<Integer, Integer> statuses = new TreeMap<>();
        final AtomicInteger cycles = new AtomicInteger();

        synchronized void add(long nanos, int status) {
            latencies.add(nanos);
            statuses.merge(status, 1, Integer::sum);
        }

        /** The latencies so far, sorted, and the answers by status, taken together. */
        synchronized Snapshot snapshot() {
            long[] all = latencies.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(all);
            return new Snapshot(all, new TreeMap<>(statuses));
        }
    }

    private record Snapshot(long[] latencies, Map<Integer, Integer> statuses) {
    }

    private volatile Window window = new Window();

    Soak(String base, String agent, String approver) {
        this.base = base;
        this.agent = agent;
        this.approver = approver;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Soak BASE_URL AGENT_TOKEN APPROVER_TOKEN SERVICE_PID OUT_CSV");
            System.exit(2);
        }
        Soak soak = new Soak(args[0], args[1], args[2]);
        int minutes = Integer.parseInt(env("SOAK_MINUTES", "30"));
        int peakSeconds = Integer.parseInt(env("PEAK_SECONDS", "30"));
        double share = Double.parseDouble(env("RATE_SHARE", "0.5"));
        int concurrency = Integer.parseInt(env("CONCURRENCY", "32"));
        int senders = Integer.parseInt(env("SENDERS", "64"));

        soak.peak(concurrency, Duration.ofSeconds(Integer.parseInt(env("WARMUP_SECONDS", "60"))));
        double peak = soak.peak(concurrency, Duration.ofSeconds(peakSeconds));
        double rate = peak * share;
        System.out.printf("peak %.0f decisions/s (%d closed-loop agents, %d s); soaking at %.0f/s for %d min%n", peak,
                concurrency, peakSeconds, rate, minutes);
        soak.run(rate, senders, minutes, Long.parseLong(args[3]), Path.of(args[4]));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Closed loop: every agent sends its next request when its last is answered. */
    double peak(int concurrency, Duration length) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        long end = System.nanoTime() + length.toNanos();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    int status = post("/v1/decisions", agent, decision(counter.incrementAndGet())).statusCode();
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(length.toSeconds() + 60, TimeUnit.SECONDS);
        System.out.println("closed loop, " + concurrency + " agents, " + length.toSeconds() + " s: statuses " + statuses);
        return statuses.getOrDefault(200, new AtomicInteger()).get() / ((System.nanoTime() - start) / 1e9);
    }

    void run(double rate, int senders, int minutes, long pid, Path out) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        long end = start + TimeUnit.MINUTES.toNanos(minutes);
        long nextReport = start + TimeUnit.MINUTES.toNanos(1);
        int minute = 0;
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out))) {
            csv.println("minute,requests,ok,other,approval_cycles,p50_ms,p99_ms,max_ms,heap_used_mb,old_gen_mb,rss_mb,live_mb");
            for (long n = 0;; n++) {
                long due = start + n * interval;
                if (due >= end) {
                    break;
                }
                if (System.nanoTime() >= nextReport) {
                    report(csv, ++minute, pid);
                    nextReport += TimeUnit.MINUTES.toNanos(1);
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                final long k = n;
                pool.submit(() -> send(k, due));
            }
            pool.shutdown();
            pool.awaitTermination(2, TimeUnit.MINUTES);
            report(csv, ++minute, pid);
        }
    }

    /** Nine in ten: a decision; one in ten: the next step of an approval cycle. */
    private void send(long n, long due) {
        Window w = window;
        try {
            if (n % 10 == 9) {
                cycle(n, due, w);
            } else {
                HttpResponse<String> answer = post("/v1/decisions", agent, decision(n));
                w.add(System.nanoTime() - due, answer.statusCode());
            }
        } catch (RuntimeException e) {
            w.add(System.nanoTime() - due, -1);
        }
    }

    private void cycle(long n, long due, Window w) {
        String body = """
                {"action":"aws.s3.export","resource":{"type":"s3-bucket","id":"soak-approved-%d","environment":"production",\
                "classification":"confidential","attributes":{"destination":"s3://corp-analytics-exports"}},\
                "onBehalfOf":"alice@example.com","context":{"reason":"soak %d"}""".formatted(n, n);
        HttpResponse<String> asked = post("/v1/decisions", agent, body + "}");
        w.add(System.nanoTime() - due, asked.statusCode());
        Matcher id = APPROVAL_ID.matcher(asked.body());
        if (asked.statusCode() != 200 || !id.find()) {
            return;
        }
        long voted = System.nanoTime();
        HttpResponse<String> vote = post("/v1/approvals/" + id.group(1) + "/approve", approver, "{\"comment\":\"soak\"}");
        w.add(System.nanoTime() - voted, vote.statusCode());
        long used = System.nanoTime();
        HttpResponse<String> use = post("/v1/decisions", agent, body + ",\"approvalId\":\"" + id.group(1) + "\"}");
        w.add(System.nanoTime() - used, use.statusCode());
        if (use.statusCode() == 200 && use.body().contains("\"outcome\":\"ALLOW\"")) {
            w.cycles.incrementAndGet();
        }
    }

    private void report(PrintWriter csv, int minute, long pid) {
        Window done = window;
        window = new Window();
        Snapshot taken = done.snapshot();
        long[] lat = taken.latencies();
        int ok = taken.statuses().getOrDefault(200, 0);
        String live = "";
        if (LIVE_EVERY > 0 && minute % LIVE_EVERY == 0) {
            collect(pid);
            live = String.format("%.1f", mb(sum(get("/q/metrics"), "jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\}")));
        }
        String metrics = get("/q/metrics");
        String row = String.format("%d,%d,%d,%d,%d,%.2f,%.2f,%.2f,%.1f,%.1f,%.1f,%s", minute, lat.length, ok, lat.length - ok,
                done.cycles.get(), ms(lat, 0.50), ms(lat, 0.99), ms(lat, 1.0), mb(sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\}")),
                mb(sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\",id=\"G1 Old Gen\"\\}")), rss(pid) / 1024.0, live);
        csv.println(row);
        csv.flush();
        System.out.println(Instant.now() + " " + row + " statuses " + taken.statuses());
    }

    /** A full collection in the service, so that the heap then holds only what is live. */
    private static void collect(long pid) {
        try {
            new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("jcmd is needed for the live heap: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static double mb(double bytes) {
        return bytes / (1024 * 1024);
    }

    private static double sum(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // the service is gone: reported as 0
        }
        return 0;
    }

    private static String decision(long n) {
        return """
                {"action":"aws.s3.export","resource":{"type":"s3-bucket","id":"soak-%d","environment":"%s",\
                "classification":"%s","attributes":{"destination":"s3://corp-analytics-exports"}},\
                "onBehalfOf":"alice@example.com","context":{"reason":"soak %d"}}""".formatted(n % 1000,
                ENVIRONMENTS[(int) (n % 3)], CLASSIFICATIONS[(int) (n / 3 % 3)], n);
    }

    private HttpResponse<String> post(String path, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private String get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET()).body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

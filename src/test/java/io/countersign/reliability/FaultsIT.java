package io.countersign.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.countersign.policy.PolicyFixture;

/**
 * Faults under load with approvals flowing, each followed by the same check ({@link #assertNothingLost}):
 * a reload with a broken rule, the PostgreSQL server stopped and started again, the disk under the H2
 * store filling up. Only 200, or a refusal with a code (503 {@code log_unavailable} while the database
 * cannot take the entry), is ever answered, and the service recovers without a restart.
 */
class FaultsIT extends ServiceIT {
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @Test
    void aReloadWithABrokenRuleDuringLoadChangesNothing() throws Exception {
        Path data = ServiceProcess.newDataDir("broken-reload");
        PolicyFixture policy = PolicyFixture.shipped(data.resolveSibling("policy"));
        Map<String, String> settings = settings();
        settings.put("COUNTERSIGN_RULES_DIR", policy.rules().toString());
        service = ServiceProcess.start("broken-reload", data, settings);
        String admin = service.token("policy-admin@example.com", "human", "policy-admin");
        String before = service.get("/v1/policies", admin).body().path("version").asText();

        LoadRun load = LoadRun.start(service, 8);
        ApprovalLoad approvals = ApprovalLoad.start(service, 2);
        load.awaitUnderWay(100, Duration.ofMillis(500));
        policy.write("rules/broken.drl", "package rules.broken;\nrule \"broken\" when then oops(;\nend\n");
        ServiceProcess.Answer reload = service.post("/v1/policies/reload", admin, "");
        ServiceProcess.pause(Duration.ofSeconds(1));
        LoadRun.Result run = load.stop();
        ApprovalLoad.Result flowed = approvals.stop();

        assertEquals(422, reload.status(), "the broken reload is refused: " + reload.body());
        assertTrue(reload.body().toString().contains("broken.drl"), "the refusal names the file: " + reload.body());
        assertEquals(Map.of(), run.refused(), "every decision during the reload was made");
        assertEquals(0, flowed.refused(), "every approval step during the reload went through");
        assertEquals(before, service.get("/v1/policies", admin).body().path("version").asText(), "the policy in force");
        assertNothingLost("reload with a broken rule", run, flowed);
    }

    @Test
    void postgresqlStoppedAndStartedMidLoad() throws Exception {
        assumeTrue(database != null, "needs the jar built for PostgreSQL (-Dcountersign.test.jdbc-url=...)");
        Map<String, String> settings = settings();
        settings.put("COUNTERSIGN_LOG_APPEND_TIMEOUT", "3s");
        settings.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "2S");
        service = ServiceProcess.start("pg-restart", ServiceProcess.newDataDir("pg-restart"), settings);

        LoadRun load = LoadRun.start(service, 8);
        ApprovalLoad approvals = ApprovalLoad.start(service, 2);
        load.awaitUnderWay(100, Duration.ofMillis(500));
        try {
            postgresql("stop", "-m", "fast");
            ServiceProcess.pause(Duration.ofSeconds(3));
        } finally {
            postgresql("start");
        }
        int before = load.ackedSoFar();
        awaitRecovery(load, before);
        LoadRun.Result run = load.stop();
        ApprovalLoad.Result flowed = approvals.stop();

        assertTrue(run.refused().getOrDefault(503, 0) > 0, "decisions were refused while the server was down: " + run.refused());
        assertEquals(Set.of(503), run.refused().keySet(), "only 200 or 503: " + run.refused());
        assertEquals(Set.of("log_unavailable"), run.codes().keySet(), "503s are log_unavailable: " + run.codes());
        assertNothingLost("PostgreSQL stopped and started", run, flowed);
    }

    @Test
    void theDiskUnderTheH2StoreFillsUp() throws Exception {
        assumeTrue(database == null, "H2 only: the jar is built for PostgreSQL");
        Path data = ServiceProcess.newDataDir("disk-full");
        Files.createDirectories(data);
        run("mount", "-t", "tmpfs", "-o", "size=64m", "countersign-disk-full", data.toString());
        try {
            service = ServiceProcess.start("disk-full", data, settings());
            LoadRun load = LoadRun.start(service, 8);
            ApprovalLoad approvals = ApprovalLoad.start(service, 2);
            load.awaitUnderWay(100, Duration.ofMillis(500));
            Path filler = data.resolve("filler");
            fill(filler, Files.getFileStore(data));
            awaitRefusals(load);
            Files.delete(filler);
            awaitRecovery(load, load.ackedSoFar());
            LoadRun.Result run = load.stop();
            ApprovalLoad.Result flowed = approvals.stop();

            assertEquals(Set.of(503), run.refused().keySet(), "only 200 or 503: " + run.refused());
            assertEquals(Set.of("log_unavailable"), run.codes().keySet(), "503s are log_unavailable: " + run.codes());
            assertNothingLost("H2 disk full", run, flowed);
        } finally {
            if (service != null) {
                service.close();
            }
            run("umount", data.toString());
        }
    }

    /** Waits until the run has new answers after {@code acked}, that is the service decides again. */
    private static void awaitRecovery(LoadRun load, int acked) {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (load.ackedSoFar() < acked + 50) {
            if (System.nanoTime() > deadline) {
                fail("the service did not decide again within " + RECOVERY);
            }
            ServiceProcess.pause(Duration.ofMillis(100));
        }
    }

    private static void awaitRefusals(LoadRun load) {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (load.refusedSoFar() == 0) {
            if (System.nanoTime() > deadline) {
                fail("nothing was refused within " + RECOVERY + " of the disk filling up");
            }
            ServiceProcess.pause(Duration.ofMillis(100));
        }
    }

    /** Writes {@code filler} until the file store has no room left. */
    private static void fill(Path filler, FileStore store) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (store.getUsableSpace() > 0) {
                out.write(block, 0, (int) Math.min(block.length, Math.max(1, store.getUsableSpace())));
            }
        } catch (IOException e) {
            // No space left on the device: what was asked for.
        }
    }

    private static void postgresql(String... action) throws Exception {
        String version;
        try (Stream<Path> versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(p -> p.getFileName().toString()).max(Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow();
        }
        List<String> command = new java.util.ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main"));
        command.addAll(List.of(action));
        run(command.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            fail(String.join(" ", command) + " failed: " + output);
        }
    }
}

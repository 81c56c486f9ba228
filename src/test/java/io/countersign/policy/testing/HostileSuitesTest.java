package io.countersign.policy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.countersign.cli.CountersignCli;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyLoader;
import io.countersign.reliability.HostileInput;
import io.countersign.testing.Properties;
import io.countersign.yaml.YamlException;

/**
 * Random and malformed policy test files through the code path of {@code countersign test} (reader,
 * runner, reporter): each file either runs, or is refused with a {@link YamlException} that names the
 * file and a line. Nothing else is thrown, nothing takes longer than {@link #LIMIT}, and no YAML tag
 * makes an object (a tag that did would leave {@link HostileInput#YAML_MARKER} behind).
 */
class HostileSuitesTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final String DISPLAY = "policy-tests/hostile/suite.yaml";

    private static Policy policy;
    private static Path dir;
    private static ExecutorService worker;

    @BeforeAll
    static void load() throws Exception {
        CountersignCli.quietLibraryLogging();
        policy = PolicyLoader.forRulesDir(Path.of("rules")).load();
        dir = Files.createTempDirectory("hostile-suites");
        // Daemon threads: a reader that never returns fails its try and must not keep the JVM alive.
        worker = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "hostile-suite");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        worker.shutdownNow();
        Files.deleteIfExists(dir.resolve("suite.yaml"));
        Files.deleteIfExists(dir);
    }

    @Test
    void everySuiteRunsOrIsRefusedAtItsFileAndLine() {
        // The generators are worth something only if both answers come up often.
        Properties.check(400, HostileInput.policySuites(), HostileSuitesTest::runOrRefuseInTime).assertShare("ran", 5)
                .assertShare("refused", 30);
    }

    /** Writes the suite to a file and reads and runs it, within {@link #LIMIT}: "ran" or "refused". */
    private static String runOrRefuseInTime(HostileInput.SuiteFile suite) throws Exception {
        Path file = dir.resolve("suite.yaml");
        Files.write(file, suite.bytes());
        Future<String> run = worker.submit(() -> runOrRefuse(file));
        String answer;
        try {
            answer = run.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            answer = fail("no answer within " + LIMIT);
        } catch (ExecutionException e) {
            throw new AssertionError("not a YamlException: " + e.getCause(), e.getCause());
        }
        assertFalse(Files.exists(HostileInput.YAML_MARKER), "a YAML tag made an object: " + HostileInput.YAML_MARKER);
        return answer;
    }

    /** Reads and runs the suite as {@code countersign test} does: "ran" or "refused", or throws. */
    private static String runOrRefuse(Path file) {
        List<PolicyCase> cases;
        try {
            cases = PolicySuiteReader.read(file, DISPLAY);
        } catch (YamlException e) {
            assertEquals(DISPLAY, e.file(), "the error names the file");
            assertTrue(e.line() >= 1, "the error names a line: " + e.located());
            assertTrue(e.located().startsWith(DISPLAY + ":" + e.line() + ": ") && !e.getMessage().isBlank(), e.located());
            return "refused";
        }
        TestReport report = PolicyTestRunner.run(policy, cases);
        StringWriter out = new StringWriter();
        TextReporter.write(report, true, new PrintWriter(out));
        assertEquals(cases.size(), report.results().size(), "every case has a result");
        assertTrue(out.toString().contains(report.passed() + " passed, " + report.failed() + " failed"), out.toString());
        return "ran";
    }
}

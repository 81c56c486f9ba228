package io.countersign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.policy.PolicyFixture;

/** The CLI as a security team uses it: exit codes, the runner's voice, and errors at file:line. */
public class CountersignCliTest {
    private static final String CASE = """
            tests:
              - note: terraform apply in production needs an SRE
                input:
                  action: terraform.apply
                  caller: {id: "agent:deploy-bot", type: agent}
                  resource: {type: workspace, id: payments, environment: production}
                want:
                  outcome: %s
            """;

    @TempDir
    Path dir;

    /** A CLI run: exit code and what it printed (also used by other areas' CLI tests). */
    public record Run(int exit, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    public static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CountersignCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theShippedSuitesPass() {
        Run run = cli("test");
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.lastLine().matches("\\d+ passed, 0 failed"), run.lastLine());
        assertTrue(run.out().contains("coverage: every rule"), run.out());
        assertFalse(run.out().contains("PASS"), "passes are shown only with --verbose");
        assertTrue(cli("test", "--verbose").out().contains(": PASS ("));
    }

    @Test
    void aFailingCaseShowsWantedAgainstGotAndTheRulesThatFired() throws IOException {
        Path suite = write("suite.yaml", CASE.formatted("ALLOW"));
        Run run = cli("test", suite.toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.out().contains(suite + ":2: terraform apply in production needs an SRE: FAIL ("), run.out());
        assertTrue(run.out().contains("FAILURES"), run.out());
        assertTrue(run.out().contains("outcome: want ALLOW, got REQUIRE_APPROVAL"), run.out());
        assertTrue(run.out().contains("infra.change.production (REQUIRE_APPROVAL): Changes production infrastructure"), run.out());
        assertEquals("0 passed, 1 failed", run.lastLine());
    }

    @Test
    void coverageNamesTheRulesNoCaseFired() throws IOException {
        Run run = cli("test", write("suite.yaml", CASE.formatted("REQUIRE_APPROVAL")).toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("rules fired in no case: countersign.agent-self-change, data.export.approved-internal"), run.out());
        assertFalse(run.out().contains("no case: infra.change.production,"), "the fired rule is not listed");
    }

    @Test
    void jsonReportIsForMachines() throws IOException {
        Run run = cli("test", "--format", "json", write("suite.yaml", CASE.formatted("DENY")).toString());
        assertEquals(1, run.exit());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(0, report.get("passed").asInt());
        assertEquals(1, report.get("failed").asInt());
        JsonNode result = report.get("results").get(0);
        assertEquals("FAIL", result.get("status").asText());
        assertEquals("REQUIRE_APPROVAL", result.get("got").get("outcome").asText());
        assertEquals("sre", result.get("got").get("approval").get("approverGroups").get(0).asText());
        assertTrue(report.get("policyVersion").asText().startsWith("sha256:"));
    }

    static Stream<Arguments> badSuites() {
        return Stream.of(
                Arguments.of("an unknown key", CASE.formatted("ALLOW").replace("    want:", "    wnat:"), ":7:", "unknown key 'wnat'"),
                Arguments.of("a missing want", CASE.formatted("ALLOW").replace("    want:\n      outcome: ALLOW\n", ""), ":2:", "missing required key 'want'"),
                Arguments.of("a wrong type", CASE.formatted("ALLOW").replace("action: terraform.apply", "action: 42"), ":4:", "expected a string, got a number"),
                Arguments.of("an unknown outcome", CASE.formatted("MAYBE"), ":8:", "unknown outcome 'MAYBE'"),
                Arguments.of("an unknown input key", CASE.formatted("ALLOW").replace("      action:", "      acton: x\n      action:"), ":4:", "unknown key 'acton'"),
                Arguments.of("a caller type that is not agent or human", CASE.formatted("ALLOW").replace("type: agent", "type: robot"), ":5:", "must be agent or human"),
                Arguments.of("an action in capitals", CASE.formatted("ALLOW").replace("terraform.apply", "Terraform.Apply"), ":4:", "is not an action"),
                Arguments.of("a bidirectional override in an id", CASE.formatted("ALLOW").replace("agent:deploy-bot", "agent:deploy\u202Etob"), ":5:", "U+202E"),
                Arguments.of("a zero-width space in an id", CASE.formatted("ALLOW").replace("agent:deploy-bot", "agent:deploy\u200Bbot"), ":5:", "U+200B"),
                Arguments.of("white space around an id", CASE.formatted("ALLOW").replace("\"agent:deploy-bot\"", "\"agent:deploy-bot \""), ":5:", "white space"),
                Arguments.of("a key written twice", CASE.formatted("ALLOW").replace("      action: terraform.apply\n", "      action: terraform.plan\n      action: terraform.apply\n"), ":5:", "key 'action' appears twice"),
                Arguments.of("a want key left empty", CASE.formatted("ALLOW").replace("      outcome: ALLOW\n", "      outcome: ALLOW\n      rules:\n"), ":9:", "'rules' has no value"),
                Arguments.of("invalid YAML", "tests:\n  - note: x\n    input: [\n", ":4:", "invalid YAML"),
                Arguments.of("an alias that refers to its own mapping", CASE.formatted("ALLOW")
                        .replace("environment: production}", "environment: production, attributes: &r {k: *r}}"), ":6:", "contains it"),
                Arguments.of("an alias bomb (billion laughs)", CASE.formatted("ALLOW")
                        .replace("environment: production}", "environment: production, attributes: {" + billionLaughs() + "}}"),
                        ":6:", "aliases repeat more than 100000 values"),
                Arguments.of("an empty suite", "tests: []\n", ":1:", "at least one test"));
    }

    /** Sixteen lists, each of three aliases of the one before: 48 aliases (SnakeYAML allows 50), 3^17 values in 400 bytes. */
    private static String billionLaughs() {
        StringBuilder lists = new StringBuilder("l0: &l0 [lol, lol, lol]");
        for (int i = 1; i <= 16; i++) {
            lists.append(", l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(3, "*l" + (i - 1)))).append("]");
        }
        return lists.toString();
    }

    @ParameterizedTest(name = "{0} exits 2 with file:line")
    @MethodSource("badSuites")
    void aSuiteThatDoesNotLoadExitsTwoWithFileAndLine(String note, String content, String line, String message) throws IOException {
        Path suite = write("bad.yaml", content);
        Run run = cli("test", suite.toString());
        assertEquals(2, run.exit(), run.out());
        assertTrue(run.err().contains(suite + line) && run.err().contains(message), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace");
    }

    @Test
    void aBrokenRuleExitsTwoWithFileAndLine() throws IOException {
        PolicyFixture fixture = PolicyFixture.shipped(dir.resolve("policy"));
        fixture.write("rules/zz/broken.drl", "package rules.zz;\n" + PolicyFixture.HEADER
                + "rule \"zz.broken\"\nwhen\n    Request( action == )\nthen\n    verdict.allow(\"x\");\nend\n");
        for (String command : List.of("test", "check")) {
            Run run = cli(command, "--rules", fixture.rules().toString());
            assertEquals(2, run.exit(), command + ": " + run.out());
            assertTrue(run.err().contains(fixture.rules().resolve("zz/broken.drl") + ":6:"), run.err());
            assertTrue(run.err().contains("policy not loaded"), run.err());
        }
    }

    @Test
    void evalPrintsOneDecision() throws IOException {
        Path request = write("request.json", """
                {"action": "aws.s3.export",
                 "caller": {"id": "agent:analytics-bot", "type": "agent"},
                 "resource": {"type": "s3-bucket", "id": "customer-data", "environment": "production",
                              "classification": "confidential", "attributes": {"destination": "s3://attacker-bucket"}}}
                """);
        Run run = cli("eval", request.toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode decision = new ObjectMapper().readTree(run.out());
        assertEquals("DENY", decision.get("outcome").asText());
        assertEquals("data.export.unapproved-destination", decision.get("reasons").get(0).get("rule").asText());
        assertTrue(decision.get("reasons").get(0).get("controls").toString().contains("SOC2:CC6.7"));
        assertTrue(decision.get("matched") == null, "matched rules only with --explain");

        JsonNode explained = new ObjectMapper().readTree(cli("eval", "--explain", request.toString()).out());
        assertEquals(2, explained.get("matched").size(), "the deny and the approval rule both matched");
        assertTrue(explained.get("ruleSources").get("data.export.confidential-production").asText().endsWith("rules/dataflow/export.drl:8"));
    }

    @Test
    void evalOfABadRequestNamesTheLine() throws IOException {
        Run run = cli("eval", write("request.yaml", "action: aws.s3.export\ncaller: {id: x, type: agent}\nresource: {environment: Production}\n").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("request.yaml:3: resource.environment: 'Production' must be one lower-case word"), run.err());
    }

    @Test
    void checkReportsThePolicy() {
        Run run = cli("check");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().matches("(?s)ok: \\d+ rules, \\d+ data sets, \\d+ controls in the catalogue\npolicy version sha256:[0-9a-f]{64}\n"), run.out());
    }

    @Test
    void theCliKeepsDroolsTraceLoggingOff() {
        cli("check");
        assertFalse(org.slf4j.LoggerFactory.getLogger("org.drools.core.phreak.SegmentCursor").isTraceEnabled(),
                "trace formatting at every network step makes evaluation about eight times slower");
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, cli("test", "--no-such-option").exit());
        assertEquals(2, cli("test", "--format", "xml").exit());
        assertEquals(2, cli("test", dir.resolve("missing").toString()).exit());
        assertEquals(2, cli("eval").exit());
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}

package io.countersign.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a policy can be broken is reported at its file and line, and nothing is loaded. */
class PolicyLoaderTest {
    @TempDir
    Path dir;

    static Stream<Arguments> brokenPolicies() {
        return Stream.of(
                broken("a DRL syntax error names the file and line", "rules/zz/broken.drl:6",
                        "", ruleFile("rules/zz/broken.drl", "zz.broken", "Request( action == )")),
                broken("an unknown fact type names the file", "rules/scm/merge.drl:",
                        "PullRequest", f -> f.write("rules/scm/merge.drl", shipped("rules/scm/merge.drl")
                                .replace("Request( action == \"github.pr.merge\"", "PullRequest( action == \"github.pr.merge\""))),
                broken("a rule id used twice names both places", "rules/zz/copy.drl:4",
                        "rules/readonly/read-only.drl:8; ids must be unique", ruleFile("rules/zz/copy.drl", "readonly.actions", "Request()")),
                broken("a rule without a mapping is named at its declaration", "rules/zz/new.drl:4",
                        "has no compliance mapping", ruleFile("rules/zz/new.drl", "zz.new-rule", "Request()")),
                broken("a mapping for an unknown rule names the mapping line", "compliance-mappings/rule-controls.yaml:",
                        "no rule file defines", f -> f.append("compliance-mappings/rule-controls.yaml", "  ghost.rule: [SOC2:CC6.1]\n")),
                broken("a control that is not in the catalogue", "compliance-mappings/rule-controls.yaml:",
                        "control SOC2:CC99.9 is not in the catalogue", f -> f.append("compliance-mappings/rule-controls.yaml",
                                "  zz.extra: [SOC2:CC99.9]\n")),
                broken("a control id without its framework", "compliance-mappings/rule-controls.yaml:",
                        "write FRAMEWORK:ID", f -> f.write("compliance-mappings/rule-controls.yaml",
                                shipped("compliance-mappings/rule-controls.yaml").replace("- FEDRAMP:AC-3\n\n  readonly", "- AC-3\n\n  readonly"))),
                broken("an unknown key in a catalogue entry", "compliance-mappings/catalogue/soc2.yaml:5",
                        "unknown key 'titel'", f -> f.write("compliance-mappings/catalogue/soc2.yaml",
                                shipped("compliance-mappings/catalogue/soc2.yaml").replaceFirst("    title:", "    titel:"))),
                broken("an unknown key in policy.yaml", "rules/policy.yaml:",
                        "unknown key 'defualt'", f -> f.write("rules/policy.yaml", "defualt:\n  outcome: ALLOW\n")),
                broken("a wrong outcome in policy.yaml", "rules/policy.yaml:2",
                        "unknown outcome 'MAYBE'", f -> f.write("rules/policy.yaml", "default:\n  outcome: MAYBE\n")),
                broken("a data set defined twice", "rules/data/more.yaml:1",
                        "rules/data/export-destinations.yaml:2",
                        f -> f.write("rules/data/more.yaml", "approved-export-destinations: [x]\n")),
                broken("a rule joining on a data set no file defines", "rules/dataflow/export.drl:23",
                        "data set 'approved-export-destinations' is not defined", f -> {
                            try {
                                java.nio.file.Files.delete(f.rules().resolve("data/export-destinations.yaml"));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }),
                broken("an agenda-group, which could keep a rule from firing", "rules/zz/x.drl:4",
                        "uses agenda-group", mappedRule("agenda-group \"later\"\n", "Request()", "verdict.allow(\"x\");")),
                broken("a disabled rule", "rules/zz/x.drl:4",
                        "uses enabled", mappedRule("enabled false\n", "Request()", "verdict.allow(\"x\");")),
                broken("a rule that matches no Request fires once per session, not per request", "rules/zz/x.drl:4",
                        "does not match a Request", mappedRule("", "DataSet( name == \"secret-stores\" )", "verdict.deny(\"freeze\");")),
                broken("a rule halting the engine", "rules/zz/x.drl:8",
                        "'halt(' could stop other rules", mappedRule("", "Request()", "drools.halt();")),
                broken("a rule deleting the request", "rules/zz/x.drl:8",
                        "'delete(' could stop other rules", mappedRule("", "$r : Request()", "delete($r);")),
                broken("a data set pattern without its name first", "rules/zz/x.drl:7",
                        "with the name first", mappedRule("", "Request( $s : service )\n    DataSet( values contains $s )", "verdict.allow(\"x\");")),
                broken("a key written twice in a mapping", "compliance-mappings/rule-controls.yaml:",
                        "key 'readonly.actions' appears twice", f -> f.append("compliance-mappings/rule-controls.yaml",
                                "  readonly.actions: [SOC2:CC6.1]\n")),
                broken("a hexadecimal number in data", "rules/data/more.yaml:2",
                        "YAML 1.1 number form", f -> f.write("rules/data/more.yaml", "extra:\n  - 0x1F\n")),
                broken("a data value of the wrong type", "rules/data/more.yaml:2",
                        "list values must be strings or whole numbers", f -> f.write("rules/data/more.yaml", "extra:\n  - {a: 1}\n")),
                broken("invalid YAML names the line", "rules/data/more.yaml:2",
                        "invalid YAML", f -> f.write("rules/data/more.yaml", "extra: [a, b\nother: : x\n")),
                broken("YAML outside data/ would be ignored, so it is refused", "rules/iam/notes.yaml",
                        "must be policy.yaml or under data/", f -> f.write("rules/iam/notes.yaml", "a: b\n")),
                broken("an id that is not dotted lower-case", "rules/zz/bad.drl:4",
                        "must be dotted lower-case words", ruleFile("rules/zz/bad.drl", "Bad Rule", "Request()")),
                broken("the reserved policy. prefix", "rules/zz/bad.drl:4",
                        "is reserved", ruleFile("rules/zz/bad.drl", "policy.sneaky", "Request()")),
                broken("the str[] operator, which breaks at run time in Drools 10.2", "rules/zz/str.drl:6",
                        "str[...] operator is not supported", ruleFile("rules/zz/str.drl", "zz.str", "Request( action str[startsWith] \"x.\" )")),
                broken("a policy without a mapping for its default", "compliance-mappings",
                        "the policy default (policy.default) has no compliance mapping", f -> f.write("compliance-mappings/rule-controls.yaml",
                                shipped("compliance-mappings/rule-controls.yaml").replace("  policy.default:\n    - SOC2:CC6.1\n    - ISO27001:A.5.15\n    - FEDRAMP:AC-3\n", ""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenPolicies")
    void aBrokenPolicyIsRefusedWithFileAndLine(String note, String where, String message, Consumer<PolicyFixture> breakIt) {
        PolicyFixture fixture = PolicyFixture.shipped(dir);
        breakIt.accept(fixture);
        PolicyLoadException e = assertThrows(PolicyLoadException.class, fixture::load);
        String all = String.join("\n", e.problems().stream().map(PolicyProblem::toString).toList());
        assertTrue(e.problems().stream().anyMatch(p -> p.toString().contains(where) && p.toString().contains(message)),
                "expected a problem at " + where + " saying '" + message + "', got:\n" + all);
    }

    @Test
    void everyProblemIsReportedInOneRun() {
        PolicyFixture fixture = PolicyFixture.shipped(dir)
                .write("rules/policy.yaml", "default:\n  outcome: MAYBE\n")
                .append("compliance-mappings/rule-controls.yaml", "  ghost.rule: [SOC2:CC6.1]\n");
        PolicyLoadException e = assertThrows(PolicyLoadException.class, fixture::load);
        assertEquals(2, e.problems().size(), e.getMessage());
    }

    @Test
    void theVersionNamesExactlyOnePolicy() throws Exception {
        PolicyFixture fixture = PolicyFixture.shipped(dir);
        String first = fixture.load().version();
        assertEquals(first, fixture.load().version(), "loading twice gives one version");
        assertEquals(first, PolicyLoader.forRulesDir(Path.of("rules")).load().version(), "the version does not depend on where the files are");

        fixture.append("rules/data/export-destinations.yaml", "  - s3://one-more\n");
        String dataChanged = fixture.load().version();
        assertNotEquals(first, dataChanged, "a data change is a new version");

        fixture.append("compliance-mappings/rule-controls.yaml", "\n# a comment\n");
        String mappingChanged = fixture.load().version();
        assertNotEquals(dataChanged, mappingChanged, "a mapping change is a new version");

        fixture.append("rules/readonly/read-only.drl", "\n// a comment\n");
        assertNotEquals(mappingChanged, fixture.load().version(), "a rule file change is a new version");
        assertTrue(first.matches("sha256:[0-9a-f]{64}"), first);
    }

    @Test
    void rulesKnowWhereTheyAreWrittenAndWhatTheyMapTo() throws Exception {
        Policy policy = PolicyFixture.shipped(dir).load();
        PolicyRule rule = policy.rule("data.export.confidential-production");
        assertEquals(dir.resolve("rules/dataflow/export.drl").toString(), rule.file());
        assertEquals(8, rule.line());
        assertEquals(List.of("SOC2:CC6.7", "ISO27001:A.5.12", "ISO27001:A.8.12", "FEDRAMP:AC-4", "FEDRAMP:AC-6(9)"),
                rule.controls());
        assertEquals(List.of("moderate", "high"), policy.catalogue().find("FEDRAMP:AC-6(9)").orElseThrow().baselines());
    }

    @Test
    void aMissingRulesDirectoryIsAProblemNotACrash() {
        PolicyLoadException e = assertThrows(PolicyLoadException.class,
                () -> new PolicyLoader(dir.resolve("nope"), dir.resolve("nope-either")).load());
        assertTrue(e.getMessage().contains("rules directory not found"), e.getMessage());
    }

    /** Adds rules/zz/x.drl with one rule, zz.x (attributes, when, then), and its mapping. */
    private static Consumer<PolicyFixture> mappedRule(String attributes, String when, String then) {
        return f -> f.write("rules/zz/x.drl", PolicyFixture.drl("rules.zz", "zz.x", attributes, when, then))
                .append("compliance-mappings/rule-controls.yaml", "  zz.x: [SOC2:CC6.1]\n");
    }

    /** Writes {@code file} with one rule, {@code id}, that allows when {@code when} matches; no mapping. */
    private static Consumer<PolicyFixture> ruleFile(String file, String id, String when) {
        return f -> f.write(file, PolicyFixture.drl("rules.zz", id, "", when, "verdict.allow(\"x\");"));
    }

    private static Arguments broken(String note, String where, String message, Consumer<PolicyFixture> breakIt) {
        return Arguments.of(note, where, message, breakIt);
    }

    private static String shipped(String relative) {
        try {
            return java.nio.file.Files.readString(Path.of(relative));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.countersign.policy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.countersign.policy.Policy;
import io.countersign.policy.PolicyLoader;

/** Every shipped policy suite runs in the build, so a broken rule or a failing case fails it. */
class ShippedPolicySuitesTest {
    private static Policy policy;
    private static List<PolicyCase> cases;

    @BeforeAll
    static void load() throws Exception {
        policy = PolicyLoader.forRulesDir(Path.of("rules")).load();
        cases = new ArrayList<>();
        for (Path file : PolicySuiteReader.discover(List.of(Path.of("policy-tests")))) {
            cases.addAll(PolicySuiteReader.read(file, file.toString()));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyShippedCasePasses() {
        assertFalse(cases.isEmpty(), "no policy test cases found");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.file() + ":" + c.line() + ": " + c.note(), () -> {
            List<String> mismatches = PolicyTestRunner.compare(c.want(), policy.evaluate(c.input()));
            assertTrue(mismatches.isEmpty(), String.join("; ", mismatches));
        }));
    }

    @Test
    void everyShippedRuleIsFiredBySomeCase() {
        TestReport report = PolicyTestRunner.run(policy, cases);
        assertEquals(List.of(), report.unfiredRules(), "rules without a policy test");
    }

    @Test
    void everyOutcomeOfTheIssueTableIsCovered() {
        TestReport report = PolicyTestRunner.run(policy, cases);
        for (var outcome : io.countersign.policy.Outcome.values()) {
            assertTrue(report.results().stream().anyMatch(r -> r.got().outcome() == outcome),
                    "no shipped case ends in " + outcome);
        }
    }
}

package io.countersign.policy.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.countersign.policy.Decision;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyRule;
import io.countersign.policy.Reason;

/** Runs policy test cases against a loaded policy and measures which rules they exercise. */
public final class PolicyTestRunner {
    private PolicyTestRunner() {
    }

    public static TestReport run(Policy policy, List<PolicyCase> cases) {
        List<CaseResult> results = new ArrayList<>();
        Set<String> fired = new HashSet<>();
        for (PolicyCase testCase : cases) {
            long start = System.nanoTime();
            Decision got = policy.evaluate(testCase.input());
            long nanos = System.nanoTime() - start;
            got.matched().forEach(r -> fired.add(r.rule()));
            results.add(new CaseResult(testCase, got, compare(testCase.want(), got), nanos));
        }
        List<String> unfired = policy.rules().stream().map(PolicyRule::id).filter(id -> !fired.contains(id)).toList();
        return new TestReport(policy.version(), results, policy.rules().size(), unfired);
    }

    /** Every way {@code got} differs from {@code want}; empty when the case passes. */
    public static List<String> compare(PolicyCase.Want want, Decision got) {
        List<String> mismatches = new ArrayList<>();
        if (want.outcome() != got.outcome()) {
            mismatches.add("outcome: want " + want.outcome() + ", got " + got.outcome());
        }
        if (want.rules() != null && !Set.copyOf(want.rules()).equals(Set.copyOf(got.ruleIds()))) {
            mismatches.add("rules: want " + want.rules() + ", got " + got.ruleIds());
        }
        List<String> groups = got.approval() == null ? List.of() : got.approval().approverGroups();
        if (want.approverGroups() != null && !Set.copyOf(want.approverGroups()).equals(Set.copyOf(groups))) {
            mismatches.add("approverGroups: want " + want.approverGroups() + ", got " + groups);
        }
        if (want.quorum() != null && (got.approval() == null || got.approval().quorum() != want.quorum())) {
            mismatches.add("quorum: want " + want.quorum() + ", got "
                    + (got.approval() == null ? "none" : got.approval().quorum()));
        }
        return mismatches;
    }

    static String describe(Reason reason) {
        return reason.rule() + " (" + reason.outcome() + "): " + reason.message();
    }
}

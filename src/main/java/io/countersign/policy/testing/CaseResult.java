package io.countersign.policy.testing;

import java.util.List;

import io.countersign.policy.Decision;

/** How one case went: the decision it got and, when it failed, each way the decision differs from the want. */
public record CaseResult(PolicyCase testCase, Decision got, List<String> mismatches, long nanos) {
    public boolean passed() {
        return mismatches.isEmpty();
    }
}

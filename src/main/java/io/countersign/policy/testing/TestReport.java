package io.countersign.policy.testing;

import java.util.List;

/** The outcome of a run: every case's result, and the rules no case fired. */
public record TestReport(String policyVersion, List<CaseResult> results, int ruleCount, List<String> unfiredRules) {
    public long passed() {
        return results.stream().filter(CaseResult::passed).count();
    }

    public long failed() {
        return results.size() - passed();
    }
}

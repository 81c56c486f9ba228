package io.countersign.policy;

import java.util.List;

/**
 * The policy's answer for one request.
 *
 * @param reasons the rules that decided the outcome (never empty: a decision without reasons is a bug)
 * @param matched every statement any rule made, deciding or not, for explanations and test reports
 * @param approval who must approve, present exactly when the outcome is {@link Outcome#REQUIRE_APPROVAL}
 * @param policyVersion the version of the policy that decided
 */
public record Decision(Outcome outcome, List<Reason> reasons, List<Reason> matched, ApprovalRequirement approval,
        String policyVersion) {
    public Decision {
        reasons = List.copyOf(reasons);
        matched = List.copyOf(matched);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a decision needs at least one reason");
        }
        if ((outcome == Outcome.REQUIRE_APPROVAL) != (approval != null)) {
            throw new IllegalArgumentException("an approval requirement goes with REQUIRE_APPROVAL and only with it");
        }
    }

    public List<String> ruleIds() {
        return reasons.stream().map(Reason::rule).toList();
    }
}

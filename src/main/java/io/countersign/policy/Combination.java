package io.countersign.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place where rule outcomes combine into a decision.
 *
 * <ol>
 * <li>Any {@code DENY} wins.</li>
 * <li>Else any {@code REQUIRE_APPROVAL}.</li>
 * <li>Else {@code ALLOW}, if an allow rule matched.</li>
 * <li>Else, when no rule matched, the policy's default ({@code rules/policy.yaml}; shipped: {@code REQUIRE_APPROVAL}).</li>
 * <li>An error while evaluating fails closed: {@code DENY}, with the error as the reason
 *     ({@link #failClosed}). Unlike Cedar, an erroring rule is never skipped.</li>
 * </ol>
 *
 * When several rules require approval, the approval must satisfy all of them: the highest quorum and
 * the shortest expiry apply; if they name the same groups, those groups (one from each group if any rule
 * says so), otherwise every named group, each reaching the quorum.
 */
public final class Combination {
    /** The pseudo-rule id of the policy default; it is mapped to controls like any rule. */
    public static final String DEFAULT_RULE = "policy.default";
    /** The pseudo-rule id of an evaluation error. */
    public static final String ERROR_RULE = "policy.error";

    private Combination() {
    }

    static Decision combine(List<Verdict.Statement> statements, PolicySettings settings,
            Map<String, List<String>> controls, String policyVersion) {
        List<Reason> matched = new ArrayList<>();
        Outcome outcome = null;
        for (Verdict.Statement s : statements) {
            Reason reason = new Reason(s.rule, s.outcome, s.message, controls.getOrDefault(s.rule, List.of()));
            if (!matched.contains(reason)) {
                matched.add(reason);
            }
            if (outcome == null || s.outcome.strongerThan(outcome)) {
                outcome = s.outcome;
            }
        }
        if (outcome == null) {
            Reason reason = new Reason(DEFAULT_RULE, settings.defaultOutcome(), settings.defaultMessage(),
                    controls.getOrDefault(DEFAULT_RULE, List.of()));
            ApprovalRequirement approval = settings.defaultOutcome() == Outcome.REQUIRE_APPROVAL
                    ? settings.approvalDefaults() : null;
            return new Decision(settings.defaultOutcome(), List.of(reason), List.of(), approval, policyVersion);
        }
        Outcome decided = outcome;
        List<Reason> reasons = matched.stream().filter(r -> r.outcome() == decided).toList();
        ApprovalRequirement approval = null;
        if (decided == Outcome.REQUIRE_APPROVAL) {
            List<ApprovalRequirement> requirements = statements.stream()
                    .filter(s -> s.outcome == Outcome.REQUIRE_APPROVAL)
                    .map(s -> withDefaults(s, settings.approvalDefaults())).toList();
            approval = merge(requirements);
        }
        return new Decision(decided, reasons, matched, approval, policyVersion);
    }

    /** DENY with the error as the reason: what every evaluation failure becomes. */
    static Decision failClosed(Throwable error, String policyVersion) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        Reason reason = new Reason(ERROR_RULE, Outcome.DENY,
                "Policy evaluation failed, so the action is denied: " + detail, List.of());
        return new Decision(Outcome.DENY, List.of(reason), List.of(reason), null, policyVersion);
    }

    private static ApprovalRequirement withDefaults(Verdict.Statement s, ApprovalRequirement defaults) {
        return new ApprovalRequirement(
                s.groups.isEmpty() ? defaults.approverGroups() : s.groups,
                s.groupMode,
                s.quorum != null ? s.quorum : defaults.quorum(),
                s.ttl != null ? s.ttl : defaults.ttl());
    }

    static ApprovalRequirement merge(List<ApprovalRequirement> requirements) {
        if (requirements.size() == 1) {
            return requirements.get(0);
        }
        int quorum = 0;
        Duration ttl = null;
        Set<String> first = Set.copyOf(requirements.get(0).approverGroups());
        boolean sameGroups = true;
        boolean anyEach = false;
        LinkedHashSet<String> union = new LinkedHashSet<>();
        for (ApprovalRequirement r : requirements) {
            quorum = Math.max(quorum, r.quorum());
            ttl = ttl == null || r.ttl().compareTo(ttl) < 0 ? r.ttl() : ttl;
            sameGroups &= Set.copyOf(r.approverGroups()).equals(first);
            anyEach |= r.groupMode() == GroupMode.EACH;
            union.addAll(r.approverGroups());
        }
        GroupMode mode = sameGroups && !anyEach ? GroupMode.ANY : GroupMode.EACH;
        if (union.size() == 1) {
            mode = GroupMode.ANY;
        }
        return new ApprovalRequirement(List.copyOf(union), mode, quorum, ttl);
    }
}

package io.countersign.policy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.countersign.yaml.YamlNode;

/**
 * The policy-wide settings in {@code rules/policy.yaml}: the outcome when no rule matches, and the
 * approval settings a rule gets when it does not state its own.
 */
public record PolicySettings(Outcome defaultOutcome, String defaultMessage, ApprovalRequirement approvalDefaults) {
    public static final String FILE = "policy.yaml";

    /** Used when a rules directory has no policy.yaml: fail safe, a person looks at what no rule knows. */
    public static final PolicySettings SHIPPED = new PolicySettings(Outcome.REQUIRE_APPROVAL,
            "No rule covers this action, so a person must look at it before it runs.",
            new ApprovalRequirement(List.of("security"), GroupMode.ANY, 1, Duration.ofHours(1)));

    static PolicySettings read(YamlNode doc) {
        YamlNode.Mapping root = doc.mapping(Set.of("default", "approvalDefaults"));
        Outcome outcome = SHIPPED.defaultOutcome;
        String message = SHIPPED.defaultMessage;
        if (root.get("default").isPresent()) {
            YamlNode.Mapping def = root.require("default").mapping(Set.of("outcome", "message"));
            outcome = outcome(def.require("outcome"));
            message = def.string("message").orElse(message);
        }
        ApprovalRequirement approval = SHIPPED.approvalDefaults;
        if (root.get("approvalDefaults").isPresent()) {
            YamlNode.Mapping node = root.require("approvalDefaults")
                    .mapping(Set.of("approverGroups", "quorum", "expiresIn"));
            Verdict.Statement probe = new Verdict.Statement("approvalDefaults", Outcome.REQUIRE_APPROVAL, "-");
            YamlNode groups = node.require("approverGroups");
            checked(groups, () -> probe.approvers(groups.stringList().toArray(String[]::new)));
            probe.quorum(node.require("quorum").integer(1, Verdict.MAX_QUORUM));
            YamlNode ttl = node.require("expiresIn");
            checked(ttl, () -> probe.expiresIn(ttl.string()));
            approval = new ApprovalRequirement(probe.groups, GroupMode.ANY, probe.quorum, probe.ttl);
        }
        return new PolicySettings(outcome, message, approval);
    }

    /** Runs a verdict setter, reporting what it refuses at the node it came from. */
    private static void checked(YamlNode node, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage().replace("rule approvalDefaults: ", ""));
        }
    }

    static Outcome outcome(YamlNode node) {
        try {
            return Outcome.valueOf(node.string());
        } catch (IllegalArgumentException e) {
            throw node.error("unknown outcome '" + node.string() + "' (ALLOW, REQUIRE_APPROVAL or DENY)");
        }
    }
}

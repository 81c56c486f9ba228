package io.countersign.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.countersign.policy.Outcome;
import io.countersign.policy.api.Caller;
import io.countersign.policy.api.Request;
import io.countersign.policy.api.Resource;

/**
 * The rule set and request mix of the Cedar peer harness ({@code shared/peers/cedar}), written as a
 * Countersign policy: N approval rules, one per action type; agents denied {@code iam.*}; everything
 * else allowed. Requests come from the same kind of seeded mix, and each is checked against the same
 * reference classifier before anything is measured.
 */
final class CedarShapedPolicy {
    private static final String HEADER = "import io.countersign.policy.api.*;\nglobal io.countersign.policy.Verdict verdict;\n";

    private CedarShapedPolicy() {
    }

    /** Writes rules/ and compliance-mappings/ for N approval rules under {@code dir}. */
    static Path write(Path dir, int n) throws IOException {
        Path rules = dir.resolve("rules");
        Path mappings = dir.resolve("compliance-mappings");
        Files.createDirectories(rules);
        Files.createDirectories(mappings.resolve("catalogue"));
        Files.writeString(mappings.resolve("catalogue/soc2.yaml"),
                "framework: SOC2\ntitle: \"bench\"\ncontrols:\n  - id: CC6.1\n    title: \"Logical access\"\n");
        StringBuilder drl = new StringBuilder("package bench;\n").append(HEADER);
        StringBuilder map = new StringBuilder("rules:\n  policy.default: [SOC2:CC6.1]\n");
        for (int i = 0; i < n; i++) {
            drl.append("rule \"bench.approval-t").append(i).append("\"\nwhen\n    Request( action == \"t_").append(i)
                    .append("\", resource.environment == \"production\", resource.classification == \"confidential\" )\n")
                    .append("then\n    verdict.requireApproval(\"approval\").approvers(\"sre\");\nend\n");
            map.append("  bench.approval-t").append(i).append(": [SOC2:CC6.1]\n");
        }
        drl.append("rule \"bench.deny-iam\"\nwhen\n    Request( caller.agent, action.startsWith(\"iam.\") )\nthen\n    verdict.deny(\"iam\");\nend\n");
        drl.append("rule \"bench.allow-all\"\nwhen\n    Request()\nthen\n    verdict.allow(\"all\");\nend\n");
        map.append("  bench.deny-iam: [SOC2:CC6.1]\n  bench.allow-all: [SOC2:CC6.1]\n");
        Files.writeString(rules.resolve("bench.drl"), drl);
        Files.writeString(mappings.resolve("rule-controls.yaml"), map);
        return rules;
    }

    record Case(Request request, Outcome expected) {
    }

    /** 80% t_i (uniform over N), 10% iam.*, 10% other; 70% agents; production/staging and confidential/internal 50/50. */
    static List<Case> requests(int n, int count) {
        SplittableRandom random = new SplittableRandom(42 + n);
        String[] iam = { "iam.create-user", "iam.attach-policy", "iam.delete-role" };
        List<Case> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            double x = random.nextDouble();
            String action = x < 0.8 ? "t_" + random.nextInt(n) : x < 0.9 ? iam[random.nextInt(iam.length)] : "deploy.read-logs";
            boolean agent = random.nextDouble() < 0.7;
            String env = random.nextBoolean() ? "production" : "staging";
            String classification = random.nextBoolean() ? "confidential" : "internal";
            Caller caller = new Caller(agent ? "agent-" + k % 50 : "user-" + k % 20, agent ? Caller.AGENT : Caller.HUMAN, List.of());
            Request request = new Request(action, caller, null, new Resource("resource", "res-" + k, env, classification, Map.of()), null);
            out.add(new Case(request, expectedOf(agent, action, env, classification, n)));
        }
        return out;
    }

    /** The Cedar harness's reference classifier, word for word in meaning. */
    static Outcome expectedOf(boolean agent, String action, String env, String classification, int n) {
        if (agent && action.startsWith("iam.")) {
            return Outcome.DENY;
        }
        if (action.matches("t_\\d+") && Integer.parseInt(action.substring(2)) < n
                && env.equals("production") && classification.equals("confidential")) {
            return Outcome.REQUIRE_APPROVAL;
        }
        return Outcome.ALLOW;
    }
}

package io.countersign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import io.countersign.policy.Policy;
import io.countersign.policy.PolicyLoadException;
import io.countersign.policy.PolicyLoader;
import io.countersign.policy.PolicyProblem;
import picocli.CommandLine.Option;

/** Where the policy lives: shared by every command that loads it. */
final class PolicyOptions {
    @Option(names = "--rules", paramLabel = "DIR", defaultValue = "rules",
            description = "Rules directory (default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = "--mappings", paramLabel = "DIR",
            description = "Compliance mappings directory (default: compliance-mappings next to the rules directory).")
    Path mappings;

    PolicyLoader loader() {
        return mappings == null ? PolicyLoader.forRulesDir(rules) : new PolicyLoader(rules, mappings);
    }

    /** The loaded policy, or null after printing every problem as {@code file:line: message}. */
    Policy load(PrintWriter err) {
        try {
            return loader().load();
        } catch (PolicyLoadException e) {
            for (PolicyProblem problem : e.problems()) {
                err.println(problem);
            }
            err.println("policy not loaded: " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s"));
            return null;
        }
    }
}

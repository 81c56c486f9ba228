package io.countersign.policy;

import java.util.List;
import java.util.stream.Collectors;

/** The policy did not load; nothing of it is in use. Lists every problem found, in file order. */
public final class PolicyLoadException extends Exception {
    private final List<PolicyProblem> problems;

    public PolicyLoadException(List<PolicyProblem> problems) {
        super(problems.stream().sorted().map(PolicyProblem::toString).collect(Collectors.joining("\n")));
        this.problems = problems.stream().sorted().toList();
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}

package io.countersign.policy.testing;

import java.util.List;

import io.countersign.policy.Outcome;
import io.countersign.policy.api.Request;

/** One case of a policy test suite: a request and what the policy should answer. */
public record PolicyCase(String file, int line, String note, Request input, Want want) {

    /**
     * What the case wants. Only {@code outcome} is required; a null field is not checked.
     *
     * @param rules the exact set of rules that decide the outcome
     * @param approverGroups the exact approver groups, in any order
     */
    public record Want(Outcome outcome, List<String> rules, List<String> approverGroups, Integer quorum) {
    }
}

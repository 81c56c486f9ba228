package io.countersign.policy;

import java.util.List;

/** One rule's say in a decision: its id, the outcome it stated, its message and the controls it maps to. */
public record Reason(String rule, Outcome outcome, String message, List<String> controls) {
    public Reason {
        controls = List.copyOf(controls);
    }
}

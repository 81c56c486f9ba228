package io.countersign.policy;

import java.util.List;

/** A rule of the loaded policy: its id, where it is written, and the controls it maps to. */
public record PolicyRule(String id, String file, int line, List<String> controls) {
    public PolicyRule {
        controls = List.copyOf(controls);
    }
}

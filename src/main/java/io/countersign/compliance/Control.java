package io.countersign.compliance;

import java.util.List;

/**
 * One control of a framework's catalogue.
 *
 * @param id the qualified id, e.g. {@code FEDRAMP:AC-6(9)}
 * @param baselines the FedRAMP baselines the control belongs to (empty for other frameworks)
 */
public record Control(String id, Framework framework, String title, List<String> baselines) {
    public Control {
        baselines = List.copyOf(baselines);
    }
}

package io.countersign.policy.api;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One named list or table from {@code rules/data/*.yaml}, available to rules as a fact so that a list
 * can change without touching DRL: {@code DataSet(name == "approved-export-destinations", values contains $d)}.
 * For a list, {@code values} holds its items as strings; for a mapping, its keys, with {@code entries}
 * holding the whole mapping.
 */
public final class DataSet {
    private final String name;
    private final Set<String> values;
    private final Map<String, Object> entries;

    public DataSet(String name, Set<String> values, Map<String, Object> entries) {
        this.name = name;
        // Not Set.copyOf: its contains(null) throws, and a rule asking about a missing value must get false.
        this.values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
        this.entries = entries;
    }

    public String getName() {
        return name;
    }

    public Set<String> getValues() {
        return values;
    }

    public Map<String, Object> getEntries() {
        return entries;
    }

    @Override
    public String toString() {
        return "DataSet " + name + " (" + values.size() + " values)";
    }
}

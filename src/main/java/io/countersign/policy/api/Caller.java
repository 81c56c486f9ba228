package io.countersign.policy.api;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Who asks: taken from the caller's token, never from the request body. */
public final class Caller {
    public static final String AGENT = "agent";
    public static final String HUMAN = "human";

    private final String id;
    private final String type;
    private final Set<String> groups;

    public Caller(String id, String type, List<String> groups) {
        this.id = id;
        this.type = type;
        this.groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups));
    }

    public String getId() {
        return id;
    }

    /** {@code agent} or {@code human}. */
    public String getType() {
        return type;
    }

    public Set<String> getGroups() {
        return groups;
    }

    public boolean isAgent() {
        return AGENT.equals(type);
    }

    public boolean isHuman() {
        return HUMAN.equals(type);
    }

    public boolean memberOf(String group) {
        return groups.contains(group);
    }

    @Override
    public String toString() {
        return type + " " + id;
    }
}

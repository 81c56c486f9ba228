package io.countersign.policy.api;

import java.util.Collections;
import java.util.Map;

/** What the action acts on. Every field may be absent (null); attributes are never null. */
public final class Resource {
    public static final Resource NONE = new Resource(null, null, null, null, Collections.emptyMap());

    private final String type;
    private final String id;
    private final String environment;
    private final String classification;
    private final Map<String, Object> attributes;

    public Resource(String type, String id, String environment, String classification,
            Map<String, Object> attributes) {
        this.type = type;
        this.id = id;
        this.environment = environment;
        this.classification = classification;
        this.attributes = attributes == null ? Collections.emptyMap() : attributes;
    }

    public String getType() {
        return type;
    }

    public String getId() {
        return id;
    }

    public String getEnvironment() {
        return environment;
    }

    public String getClassification() {
        return classification;
    }

    public Map<String, Object> getAttributes() {
        return attributes;
    }

    /**
     * The attribute as text: a string as it is, a whole number in decimal (so {@code 111111111111} and
     * {@code "111111111111"} match the same data), anything else (absent, list, mapping) null.
     */
    public String attribute(String name) {
        return Attributes.text(attributes.get(name));
    }
}

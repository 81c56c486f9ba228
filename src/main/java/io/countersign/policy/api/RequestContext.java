package io.countersign.policy.api;

import java.util.Collections;
import java.util.Map;

/** Why the action is taken and what it carries. Fields may be null; attributes are never null. */
public final class RequestContext {
    public static final RequestContext NONE = new RequestContext(null, null, null, Collections.emptyMap());

    private final String reason;
    private final String ticket;
    private final Artifact artifact;
    private final Map<String, Object> attributes;

    public RequestContext(String reason, String ticket, Artifact artifact, Map<String, Object> attributes) {
        this.reason = reason;
        this.ticket = ticket;
        this.artifact = artifact;
        this.attributes = attributes == null ? Collections.emptyMap() : attributes;
    }

    public String getReason() {
        return reason;
    }

    public String getTicket() {
        return ticket;
    }

    public Artifact getArtifact() {
        return artifact;
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

package io.countersign.policy.api;

import java.util.Objects;

/**
 * The fact every rule matches: one privileged action an agent or pipeline wants to take. Immutable, and
 * its nested parts are never null, so a constraint such as {@code resource.environment == "production"}
 * cannot fail on a missing part.
 */
public final class Request {
    private final String action;
    private final String verb;
    private final String service;
    private final Caller caller;
    private final String onBehalfOf;
    private final Resource resource;
    private final RequestContext context;

    public Request(String action, Caller caller, String onBehalfOf, Resource resource, RequestContext context) {
        this.action = Objects.requireNonNull(action, "action");
        this.caller = Objects.requireNonNull(caller, "caller");
        this.onBehalfOf = onBehalfOf;
        this.resource = resource == null ? Resource.NONE : resource;
        this.context = context == null ? RequestContext.NONE : context;
        int lastDot = action.lastIndexOf('.');
        this.verb = action.substring(lastDot + 1);
        this.service = lastDot < 0 ? "" : action.substring(0, lastDot);
    }

    /** The action, e.g. {@code aws.s3.export}. */
    public String getAction() {
        return action;
    }

    /** The last segment of the action: {@code export} for {@code aws.s3.export}. */
    public String getVerb() {
        return verb;
    }

    /** Everything before the verb: {@code aws.s3} for {@code aws.s3.export}; empty for a one-word action. */
    public String getService() {
        return service;
    }

    public Caller getCaller() {
        return caller;
    }

    /** The principal the caller acts for, or null. */
    public String getOnBehalfOf() {
        return onBehalfOf;
    }

    public Resource getResource() {
        return resource;
    }

    public RequestContext getContext() {
        return context;
    }

    /**
     * Whether {@code id} names the caller or the principal it acts for, ignoring case, so that
     * {@code Alice@Example.com} cannot pass for someone other than {@code alice@example.com}.
     */
    public boolean isSelf(Object id) {
        if (!(id instanceof String text) || text.isBlank()) {
            return false;
        }
        String name = text.strip();
        return name.equalsIgnoreCase(caller.getId().strip())
                || (onBehalfOf != null && name.equalsIgnoreCase(onBehalfOf.strip()));
    }

    @Override
    public String toString() {
        return action + " by " + caller;
    }
}

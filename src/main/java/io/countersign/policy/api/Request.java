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
        return id instanceof String text && (samePerson(text, caller.getId()) || samePerson(text, onBehalfOf));
    }

    /** Whether two ids name the same principal: ignoring case and surrounding space; null or blank is no one. */
    public static boolean samePerson(String a, String b) {
        return a != null && b != null && !a.isBlank() && a.strip().equalsIgnoreCase(b.strip());
    }

    /** The form in which an id is compared and stored for uniqueness. */
    public static String personKey(String id) {
        return id.strip().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return action + " by " + caller;
    }
}

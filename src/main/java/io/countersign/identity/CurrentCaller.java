package io.countersign.identity;

import jakarta.enterprise.context.RequestScoped;

import io.countersign.http.Problems;
import io.countersign.policy.api.Caller;
import io.quarkus.security.identity.SecurityIdentity;

/** The caller of the current request, as its verified token names it. */
@RequestScoped
public class CurrentCaller {
    private final SecurityIdentity identity;

    CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller get() {
        Caller caller = identity.getAttribute(CallerAugmentor.CALLER_ATTRIBUTE);
        if (caller == null) {
            throw Problems.unauthorized("a bearer token is required").exception();
        }
        return caller;
    }

    public boolean has(Role role) {
        return identity.hasRole(role.id());
    }
}

package io.countersign.inbox;

import org.eclipse.microprofile.config.Config;

/** How people sign in to the web inbox; fixed at start by the identity configuration. */
public enum SignInMethod {
    /** The embedded default (no identity provider): one-time links minted with the local key by {@code ./countersign sign-in-link}. */
    LINK,
    /** The OIDC authorization code flow of the {@code inbox} tenant ({@code quarkus.oidc.inbox.auth-server-url} set). */
    PROVIDER,
    /** An identity provider serves the API but no inbox tenant is configured: the inbox is off. */
    NONE;

    public static SignInMethod of(Config config) {
        if (config.getOptionalValue("quarkus.oidc.inbox.auth-server-url", String.class).isPresent()) {
            return PROVIDER;
        }
        // INVARIANT: sign-in links exist only while no identity provider is configured.
        if (config.getOptionalValue("quarkus.oidc.auth-server-url", String.class).isPresent()) {
            return NONE;
        }
        return LINK;
    }
}

package io.countersign.inbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The web inbox: {@code countersign.inbox.*}. Who may sign in comes from the identity setup: sign-in
 * links minted with the local key on the embedded default, the OIDC code flow of the {@code inbox}
 * tenant ({@code quarkus.oidc.inbox.*}) once an identity provider is configured.
 */
@ConfigMapping(prefix = "countersign.inbox")
public interface InboxConfig {
    /** How long a sign-in lasts before the person must sign in again. */
    @WithDefault("8h")
    Duration sessionTtl();

    /**
     * Mark the session cookie {@code Secure} even when requests reach the service over plain http (behind
     * a proxy that terminates TLS). Requests that arrive over https always get a {@code Secure} cookie.
     */
    @WithDefault("false")
    boolean secureCookie();

    /** The audience of sign-in links: distinct from API tokens', so neither is accepted as the other. */
    @WithDefault("countersign-inbox")
    String signInAudience();

    /** The longest a sign-in link may be valid for; longer ones are refused when used. */
    @WithDefault("15m")
    Duration signInMaxTtl();

    /** The most requests one inbox or history page lists. */
    @WithDefault("100")
    int pageSize();
}

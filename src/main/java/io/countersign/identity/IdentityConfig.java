package io.countersign.identity;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How tokens become callers and roles: {@code countersign.identity.*}. */
@ConfigMapping(prefix = "countersign.identity")
public interface IdentityConfig {
    /** The claim naming the caller. */
    @WithDefault("sub")
    String idClaim();

    /** The claim saying {@code agent} or {@code human}. */
    @WithDefault("caller_type")
    String typeClaim();

    /**
     * The caller type when the token has no type claim. {@code agent} by default: an identity provider
     * that does not say a caller is human does not get votes counted as human.
     */
    @WithDefault("agent")
    String defaultType();

    /** The claim listing the caller's groups (a list, or one space- or comma-separated string). */
    @WithDefault("groups")
    String groupsClaim();

    /** Issuer of locally minted tokens (used only without {@code quarkus.oidc.auth-server-url}). */
    @WithDefault("urn:countersign:local")
    String localIssuer();

    /** Audience of locally minted tokens; tokens for another audience are refused. */
    @WithDefault("countersign")
    String localAudience();

    /** The longest a token may be valid for (from issue, or from now, to expiry); longer ones are refused. */
    @WithDefault("30d")
    java.time.Duration maxTokenLifetime();

    /**
     * How far a token's issue time ({@code iat}) may lie ahead of this service's clock; a token issued
     * further in the future is refused as not yet valid.
     */
    @WithDefault("60s")
    java.time.Duration maxClockSkew();

    /** Which groups grant which role. */
    Roles roles();

    interface Roles {
        @WithDefault("agent")
        List<String> agent();

        @WithDefault("approver")
        List<String> approver();

        @WithDefault("auditor")
        List<String> auditor();

        @WithDefault("policy-admin")
        List<String> policyAdmin();

        @WithDefault("siem")
        List<String> siem();
    }
}

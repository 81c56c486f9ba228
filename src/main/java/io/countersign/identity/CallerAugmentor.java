package io.countersign.identity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.policy.RequestRules;
import io.countersign.policy.api.Caller;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Turns a verified token into a {@link Caller} (id, type and groups from the configured claims) and
 * grants roles from the configured group mapping, replacing whatever roles the OIDC layer derived, so
 * that the mapping is the only way to a role. A token whose caller claims are malformed is refused.
 */
@ApplicationScoped
public class CallerAugmentor implements SecurityIdentityAugmentor {
    public static final String CALLER_ATTRIBUTE = "countersign.caller";
    private static final ObjectMapper PAYLOAD = new ObjectMapper();

    private final IdentityConfig config;

    CallerAugmentor(IdentityConfig config) {
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
            // An opaque token would keep roles derived outside the group mapping: not accepted.
            return Uni.createFrom().failure(refused("only JWT bearer tokens are accepted"));
        }
        Caller caller = caller(token);
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addAttribute(CALLER_ATTRIBUTE, caller)
                .addPermissionChecker(identity::checkPermission);
        for (Role role : Role.values()) {
            if (grants(role, caller.getGroups())) {
                builder.addRole(role.id());
            }
        }
        return Uni.createFrom().item(builder.build());
    }

    /** The caller a token names; throws {@link AuthenticationFailedException} when the claims are malformed. */
    Caller caller(JsonWebToken token) {
        long now = java.time.Instant.now().getEpochSecond();
        // The OIDC layer checks exp and nbf but not iat: a token issued in the future is not valid yet, and
        // measuring its lifetime from that future iat would let it outlive the limit.
        if (token.getIssuedAtTime() > now + config.maxClockSkew().toSeconds()) {
            throw refused("the token is issued in the future");
        }
        long issued = token.getIssuedAtTime() > 0 ? Math.min(token.getIssuedAtTime(), now) : now;
        if (token.getExpirationTime() - issued > config.maxTokenLifetime().toSeconds()) {
            throw refused("the token is valid for longer than " + config.maxTokenLifetime().toDays() + " days");
        }
        String id = claimText(token, config.idClaim());
        if (id == null) {
            throw refused("the token has no '" + config.idClaim() + "' claim");
        }
        check(config.idClaim(), id, RequestRules::id);
        String type = claimText(token, config.typeClaim());
        type = type == null ? config.defaultType() : type;
        check(config.typeClaim(), type, RequestRules::callerType);
        List<String> groups = groups(rawClaim(token, config.groupsClaim()));
        String problem = RequestRules.groups(groups);
        if (problem != null) {
            throw refused("claim '" + config.groupsClaim() + "': " + problem);
        }
        return new Caller(id, type, groups);
    }

    private boolean grants(Role role, Set<String> groups) {
        List<String> granting = switch (role) {
            case AGENT -> config.roles().agent();
            case APPROVER -> config.roles().approver();
            case AUDITOR -> config.roles().auditor();
            case POLICY_ADMIN -> config.roles().policyAdmin();
            case SIEM -> config.roles().siem();
        };
        return granting.stream().anyMatch(groups::contains);
    }

    /**
     * The claim as the token carries it. {@code JsonWebToken.getClaim("groups")} insists on a list and
     * answers an empty set for a space-separated string, which some providers send.
     */
    private static Object rawClaim(JsonWebToken token, String claim) {
        Object value = token.getClaim(claim);
        if (value instanceof Collection<?> c && c.isEmpty() && token.getRawToken() != null) {
            // The token is verified already; reading its payload again only recovers the claim's real shape.
            String[] parts = token.getRawToken().split("\\.");
            try {
                JsonNode node = PAYLOAD.readTree(Base64.getUrlDecoder().decode(parts[1])).get(claim);
                if (node != null && node.isTextual()) {
                    return node.textValue();
                }
            } catch (IOException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw refused("the token payload cannot be read");
            }
        }
        return value;
    }

    private static String claimText(JsonWebToken token, String claim) {
        Object value = rawClaim(token, claim);
        if (value == null) {
            return null;
        }
        if (value instanceof jakarta.json.JsonString json) {
            return json.getString();
        }
        if (value instanceof String text) {
            return text;
        }
        throw refused("claim '" + claim + "' must be a string");
    }

    private static List<String> groups(Object claim) {
        List<String> groups = new ArrayList<>();
        if (claim == null) {
            return groups;
        }
        if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                String text = value instanceof jakarta.json.JsonString json ? json.getString()
                        : value instanceof String s ? s : null;
                if (text == null) {
                    throw refused("groups must be strings");
                }
                groups.add(text);
            }
        } else if (claim instanceof jakarta.json.JsonString || claim instanceof String) {
            String text = claim instanceof jakarta.json.JsonString json ? json.getString() : (String) claim;
            for (String group : text.split("[\\s,]+")) {
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
        } else {
            throw refused("groups must be a list of strings");
        }
        return new ArrayList<>(new LinkedHashSet<>(groups));
    }

    private static void check(String claim, String value, Function<String, String> rule) {
        String problem = rule.apply(value);
        if (problem != null) {
            throw refused("claim '" + claim + "': " + problem);
        }
    }

    private static AuthenticationFailedException refused(String why) {
        return new AuthenticationFailedException(why);
    }
}

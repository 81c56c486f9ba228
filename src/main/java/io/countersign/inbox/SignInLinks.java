package io.countersign.inbox;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import io.countersign.identity.IdentityConfig;
import io.countersign.identity.LocalTokens;
import io.countersign.policy.RequestRules;
import io.countersign.policy.api.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * One-time sign-in links for the embedded default: a JWT signed with the local key, for the audience
 * {@code countersign.inbox.sign-in-audience} (never the API's), a human caller, a {@code jti}, valid for at
 * most {@code countersign.inbox.sign-in-max-ttl}. Using one records its {@code jti}; a second use fails.
 */
@ApplicationScoped
public class SignInLinks {
    public static final String DEFAULT_AUDIENCE = "countersign-inbox";

    /** Why a link does not sign anyone in, in words for the person holding it. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final InboxConfig config;
    private final IdentityConfig identity;
    private final Path dataDir;
    private volatile JwtConsumer consumer;

    SignInLinks(InboxConfig config, IdentityConfig identity, @ConfigProperty(name = "countersign.data-dir") Path dataDir) {
        this.config = config;
        this.identity = identity;
        this.dataDir = dataDir;
    }

    /** The person a link names, checked but not used (for the page that asks to confirm). */
    public Caller check(String token) throws Refused {
        return caller(claims(token));
    }

    /** Checks the link and uses it up: the person it signs in. */
    public Caller use(String token) throws Refused {
        JwtClaims claims = claims(token);
        Caller caller = caller(claims);
        SignInUse use = new SignInUse();
        try {
            use.jti = claims.getJwtId();
            use.expiresAt = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
        } catch (MalformedClaimException e) {
            throw new Refused("this sign-in link is not valid");
        }
        use.subject = caller.getId();
        use.usedAt = Instant.now();
        try {
            QuarkusTransaction.requiringNew().run(use::persistAndFlush);
        } catch (RuntimeException e) {
            // INVARIANT: a link signs in once. A duplicate key (or any failure to record the use) refuses it.
            boolean used = QuarkusTransaction.requiringNew().call(() -> SignInUse.findById(use.jti) != null);
            if (used) {
                throw new Refused("this sign-in link has been used already; ask for a new one");
            }
            throw e;
        }
        return caller;
    }

    private JwtClaims claims(String token) throws Refused {
        if (token == null || token.isBlank() || token.length() > 8192) {
            throw new Refused("the sign-in link has no token");
        }
        try {
            JwtClaims claims = consumer().processToClaims(token.strip());
            long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
            if (lifetime > config.signInMaxTtl().toSeconds()) {
                throw new Refused("this sign-in link is valid for longer than " + config.signInMaxTtl().toMinutes()
                        + " minutes, which is refused; ask for a new one");
            }
            return claims;
        } catch (InvalidJwtException e) {
            if (e.hasExpired()) {
                throw new Refused("this sign-in link has expired; ask for a new one");
            }
            if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                throw new Refused("this is not a sign-in link (an API token cannot sign in to the inbox)");
            }
            throw new Refused("this sign-in link is not valid");
        } catch (MalformedClaimException e) {
            throw new Refused("this sign-in link is not valid");
        }
    }

    private Caller caller(JwtClaims claims) throws Refused {
        try {
            String subject = claims.getSubject();
            if (RequestRules.id(subject) != null || !Caller.HUMAN.equals(claims.getClaimValue("caller_type"))) {
                throw new Refused("a sign-in link must name a person (caller type human)");
            }
            List<String> groups = claims.hasClaim("groups") ? claims.getStringListClaimValue("groups") : List.of();
            if (RequestRules.groups(groups) != null) {
                throw new Refused("this sign-in link is not valid: " + RequestRules.groups(groups));
            }
            return new Caller(subject, Caller.HUMAN, groups);
        } catch (MalformedClaimException e) {
            throw new Refused("this sign-in link is not valid");
        }
    }

    private JwtConsumer consumer() {
        if (consumer == null) {
            PublicKey key = LocalTokens.key(dataDir).getPublic();
            consumer = new JwtConsumerBuilder()
                    .setRequireExpirationTime().setRequireIssuedAt().setRequireJwtId().setRequireSubject()
                    .setAllowedClockSkewInSeconds(30)
                    // a link issued in the future passes the lifetime check (exp - iat) yet stays usable until it expires
                    .setIssuedAtRestrictions(30, Integer.MAX_VALUE)
                    .setExpectedIssuer(identity.localIssuer())
                    .setExpectedAudience(config.signInAudience())
                    .setVerificationKey(key)
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                    .build();
        }
        return consumer;
    }
}

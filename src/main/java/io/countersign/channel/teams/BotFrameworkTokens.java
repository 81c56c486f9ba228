package io.countersign.channel.teams;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks the token the Bot Framework sends with every activity, as its connector-to-bot authentication
 * requires: RS256 only, signed by a key from the {@code jwks_uri} of the configured OpenID metadata,
 * endorsed for the activity's channel when the key lists endorsements, the configured issuer, the bot's
 * app id as audience, within {@code exp}/{@code nbf} give or take the allowed skew, and a {@code serviceurl}
 * claim equal to the activity's {@code serviceUrl}. Keys are cached; an unknown key id refetches them, at
 * most once a minute, so a flood of forged tokens cannot turn into a flood of fetches.
 */
@ApplicationScoped
public class BotFrameworkTokens {
    private static final Duration REFETCH_AT_MOST_EVERY = Duration.ofMinutes(1);
    private static final Duration KEYS_KEPT_FOR = Duration.ofHours(24);
    private static final Duration RETRY_FAILED_FETCH_AFTER = Duration.ofSeconds(10);

    /** A token that does not pass; the activity is refused with 401. */
    public static class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private record Keys(List<JsonWebKey> keys, Instant fetchedAt) {
    }

    private final TeamsConfig config;
    private final TeamsHttp http;
    private Keys keys;
    private Instant lastRefetch = Instant.MIN;
    private Instant lastFetch = Instant.MIN;

    BotFrameworkTokens(TeamsConfig config, TeamsHttp http) {
        this.config = config;
        this.http = http;
    }

    /** The verified claims of {@code authorization} ({@code Bearer <jwt>}) sent with an activity. */
    public JwtClaims verify(String authorization, String serviceUrl, String channelId) throws Rejected {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Rejected("no Bearer token");
        }
        String token = authorization.substring(7).trim();
        JwtContext parsed;
        try {
            parsed = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature().setSkipSignatureVerification()
                    .build().process(token);
        } catch (InvalidJwtException e) {
            throw new Rejected("not a JWT");
        }
        if (parsed.getJoseObjects().size() != 1 || !(parsed.getJoseObjects().get(0) instanceof JsonWebSignature jws)) {
            throw new Rejected("not a signed JWT");
        }
        if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(jws.getAlgorithmHeaderValue())) {
            throw new Rejected("signed with " + jws.getAlgorithmHeaderValue() + ", not RS256");
        }
        String kid = jws.getKeyIdHeaderValue();
        if (kid == null) {
            throw new Rejected("the token names no key (kid)");
        }
        JsonWebKey key = key(kid).orElseThrow(() -> new Rejected("signed with an unknown key " + kid));
        List<String> endorsements = endorsements(key);
        if (endorsements != null && channelId != null && !channelId.isBlank() && !endorsements.contains(channelId)) {
            throw new Rejected("the signing key is not endorsed for channel " + channelId);
        }
        JwtClaims claims;
        try {
            claims = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setVerificationKey(key.getKey())
                    .setRequireExpirationTime()
                    .setAllowedClockSkewInSeconds((int) config.bot().maxClockSkew().toSeconds())
                    .setExpectedIssuer(config.bot().issuer())
                    .setExpectedAudience(config.bot().appId().orElseThrow())
                    .build().process(token).getJwtClaims();
        } catch (InvalidJwtException e) {
            if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                // jose4j's own message quotes the whole token
                throw new Rejected("the signature does not verify with key " + kid);
            }
            throw new Rejected(e.getErrorDetails().isEmpty() ? "invalid token" : e.getErrorDetails().get(0).getErrorMessage());
        }
        try {
            String claimed = claims.getStringClaimValue("serviceurl");
            if (claimed == null || !claimed.equals(serviceUrl)) {
                throw new Rejected("the token's serviceurl claim does not match the activity's serviceUrl");
            }
        } catch (MalformedClaimException e) {
            throw new Rejected("the serviceurl claim is not a string");
        }
        return claims;
    }

    private synchronized Optional<JsonWebKey> key(String kid) {
        Instant now = Instant.now();
        if ((keys == null || now.isAfter(keys.fetchedAt().plus(KEYS_KEPT_FOR)))
                && now.isAfter(lastFetch.plus(RETRY_FAILED_FETCH_AFTER))) {
            fetch(now);
        }
        Optional<JsonWebKey> known = find(kid);
        if (known.isEmpty() && now.isAfter(lastRefetch.plus(REFETCH_AT_MOST_EVERY))) {
            // Keys rotate: a new kid may be one Microsoft published since the last fetch.
            lastRefetch = now;
            fetch(now);
            known = find(kid);
        }
        return known;
    }

    private Optional<JsonWebKey> find(String kid) {
        return keys == null ? Optional.empty() : keys.keys().stream().filter(k -> kid.equals(k.getKeyId())).findFirst();
    }

    private void fetch(Instant now) {
        lastFetch = now;
        try {
            JsonNode metadata = http.json("GET", config.bot().openidMetadataUrl(), null, null);
            String jwksUri = metadata.path("jwks_uri").asText(null);
            if (jwksUri == null || jwksUri.isBlank()) {
                throw new TeamsHttp.CallFailed("the OpenID metadata has no jwks_uri", null);
            }
            JsonNode set = http.json("GET", URI.create(jwksUri), null, null);
            keys = new Keys(new JsonWebKeySet(set.toString()).getJsonWebKeys(), now);
        } catch (TeamsHttp.CallFailed | JoseException | RuntimeException e) {
            // Keeps the keys it had: an outage at Microsoft does not forget keys that were good an hour ago.
            http.failed("signing_keys", config.bot().openidMetadataUrl().toString(), e);
        }
    }

    private static List<String> endorsements(JsonWebKey key) {
        List<?> values = key.getOtherParameterValue("endorsements", List.class);
        if (values == null) {
            return null;
        }
        List<String> endorsements = new ArrayList<>();
        values.forEach(v -> endorsements.add(String.valueOf(v)));
        return endorsements;
    }
}

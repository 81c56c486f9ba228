package io.countersign.identity;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.keys.KeyFiles;

/**
 * The embedded identity provider: an RS256 key under the data directory that the service verifies
 * tokens against, and that {@code ./countersign token} mints them with. For trying Countersign out and
 * for single-host use; production points {@code quarkus.oidc.auth-server-url} at a real provider.
 */
public final class LocalTokens {
    public static final String KEY_FILE = "keys/token-signing-rs256.pem";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair keys;
    private final String issuer;
    private final String audience;

    public LocalTokens(KeyPair keys, String issuer, String audience) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
    }

    /** The key under {@code dataDir}, created on first use. */
    public static KeyPair key(Path dataDir) {
        return KeyFiles.loadOrCreate(dataDir.resolve(KEY_FILE), KeyFiles.RSA);
    }

    /** A signed token for {@code subject}, valid for {@code ttl} from now. */
    public String mint(String subject, String type, List<String> groups, Duration ttl) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", subject);
        claims.put("caller_type", type);
        claims.put("groups", groups);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(ttl).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        return sign(Map.of("alg", "RS256", "typ", "JWT"), claims);
    }

    /** Signs any header and claims as given: tests use it to build the tokens a careless client might send. */
    public String sign(Map<String, Object> header, Map<String, Object> claims) {
        String signingInput = part(header) + "." + part(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the token: " + e.getMessage(), e);
        }
    }

    static String part(Map<String, Object> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

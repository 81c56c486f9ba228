package io.countersign.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tokens for tests, minted with the key the test service verifies against (its data directory's). */
public final class TestTokens {
    public static final Path DATA_DIR = Path.of("target/test-data/quarkus");
    public static final String ISSUER = "urn:countersign:local";
    public static final String AUDIENCE = "countersign";

    private TestTokens() {
    }

    public static LocalTokens local() {
        return new LocalTokens(LocalTokens.key(DATA_DIR), ISSUER, AUDIENCE);
    }

    public static String agent(String id) {
        return token(id, "agent", "agent");
    }

    public static String auditor() {
        return token("audrey@example.com", "human", "auditor");
    }

    public static String policyAdmin() {
        return token("pat@example.com", "human", "policy-admin");
    }

    public static String token(String id, String type, String... groups) {
        return local().mint(id, type, List.of(groups), Duration.ofMinutes(10));
    }

    /** Standard claims for {@code id}, to be altered by a test before signing. */
    public static Map<String, Object> claims(String id) {
        Map<String, Object> claims = new LinkedHashMap<>();
        long now = Instant.now().getEpochSecond();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", id);
        claims.put("caller_type", "agent");
        claims.put("groups", List.of("agent"));
        claims.put("iat", now);
        claims.put("exp", now + 600);
        return claims;
    }
}

package io.countersign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class SignInLinkCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void printsALinkForAPersonWithTheInboxAudience() throws Exception {
        CountersignCliTest.Run run = CountersignCliTest.cli("sign-in-link", "--sub", "sec-1@example.com", "--groups",
                "security, sre", "--url", "https://countersign.example.com/", "--data-dir", dataDir.toString());
        assertEquals(0, run.exit(), run.err());
        String link = run.out().strip();
        assertTrue(link.startsWith("https://countersign.example.com/inbox/sign-in?token="), link);
        String[] parts = link.substring(link.indexOf("token=") + 6).split("\\.");
        Map<?, ?> claims = new ObjectMapper().readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        assertEquals("countersign-inbox", claims.get("aud"), "never the API's audience");
        assertEquals("human", claims.get("caller_type"));
        assertEquals(List.of("security", "sre"), claims.get("groups"));
        assertTrue(claims.get("jti") instanceof String);
        long exp = ((Number) claims.get("exp")).longValue();
        assertTrue(Math.abs(exp - Instant.now().plusSeconds(600).getEpochSecond()) < 60, "10 minutes by default");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a lifetime over 15 minutes | --ttl | 1h               | --ttl: must be more than 0 and at most 15m",
            "an address that is not web | --url | ftp://example.com | --url: must start with http:// or https://" })
    void badOptionsExitWithTwoAndNameTheOption(String note, String option, String value, String message) {
        CountersignCliTest.Run run = CountersignCliTest.cli("sign-in-link", "--sub", "sec-1@example.com", option, value,
                "--data-dir", dataDir.toString());
        assertEquals(2, run.exit(), run.out());
        assertTrue(run.err().contains(message), run.err());
    }
}

package io.countersign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.identity.LocalTokens;
import io.countersign.keys.KeyFiles;

class TokenCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void mintsATokenSignedWithTheDataDirectorysKey() throws Exception {
        CountersignCliTest.Run run = CountersignCliTest.cli("token", "--sub", "deploy-bot", "--type", "agent",
                "--groups", "agent, sre", "--ttl", "15m", "--data-dir", dataDir.toString());
        assertEquals(0, run.exit(), run.err());
        String[] parts = run.out().strip().split("\\.");
        assertEquals(3, parts.length);

        Path keyFile = dataDir.resolve(LocalTokens.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(KeyFiles.load(keyFile, KeyFiles.RSA).getPublic());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rsa.verify(Base64.getUrlDecoder().decode(parts[2])), "signed with the key the service will use");

        Map<?, ?> claims = new ObjectMapper().readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        assertEquals("deploy-bot", claims.get("sub"));
        assertEquals("agent", claims.get("caller_type"));
        assertEquals(List.of("agent", "sre"), claims.get("groups"));
        assertEquals("countersign", claims.get("aud"));
        long exp = ((Number) claims.get("exp")).longValue();
        assertTrue(Math.abs(exp - Instant.now().plusSeconds(900).getEpochSecond()) < 60, "expires in 15 minutes");

        // A second token uses the same key rather than a new one.
        String before = Files.readString(keyFile);
        CountersignCliTest.cli("token", "--sub", "x", "--type", "human", "--data-dir", dataDir.toString());
        assertEquals(before, Files.readString(keyFile));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a type that is neither agent nor human | bot    | robot | 1h   | --type: must be agent or human",
            "an id with surrounding space           | ' bot' | agent | 1h   | --sub: must not start or end with white space",
            "a zero lifetime                        | bot    | agent | 0s   | --ttl: must be more than 0",
            "a lifetime over 30 days                | bot    | agent | 90d  | --ttl: must be more than 0 and at most 30d",
            "a lifetime that is not a duration      | bot    | agent | soon | --ttl:" })
    void badOptionsExitWithTwoAndNameTheOption(String note, String sub, String type, String ttl, String message) {
        CountersignCliTest.Run run = CountersignCliTest.cli("token", "--sub", sub, "--type", type, "--ttl", ttl,
                "--data-dir", dataDir.toString());
        assertEquals(2, run.exit(), run.out());
        assertTrue(run.err().contains(message), run.err());
    }
}

package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.canonical.CanonicalJson;

class ChainVerifierTest {
    static List<ChainEntry> chain(int n) {
        List<ChainEntry> entries = new ArrayList<>();
        byte[] previous = HashChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            ChainEntry entry = HashChain.append(i, previous,
                    CanonicalJson.bytes(Map.of("sequence", i, "outcome", i % 3 == 0 ? "DENY" : "ALLOW")));
            entries.add(entry);
            previous = entry.hash();
        }
        return entries;
    }

    @Test
    void aWholeChainVerifies() {
        ChainVerifier.Result result = ChainVerifier.verify(chain(1_000).iterator(), 1, HashChain.GENESIS, Map.of());
        assertTrue(result.valid(), result.problem());
        assertEquals(1_000, result.entriesChecked());
        assertEquals(1_000, result.headSequence());
        assertEquals(ChainVerifier.hex(chain(1_000).get(999).hash()), result.headHash());
    }

    static Stream<Arguments> tampering() {
        return Stream.of(
                Arguments.of("a changed entry", (UnaryOperator<List<ChainEntry>>) c -> {
                    ChainEntry e = c.get(41);
                    c.set(41, new ChainEntry(e.sequence(), "{\"outcome\":\"ALLOW\"}".getBytes(StandardCharsets.UTF_8), e.previousHash(), e.hash()));
                    return c;
                }, 42L, "was changed"),
                Arguments.of("a changed entry with its hash recomputed", (UnaryOperator<List<ChainEntry>>) c -> {
                    ChainEntry e = c.get(41);
                    c.set(41, HashChain.append(e.sequence(), e.previousHash(), "{\"outcome\":\"ALLOW\"}".getBytes(StandardCharsets.UTF_8)));
                    return c;
                }, 43L, "does not link"),
                Arguments.of("a removed entry", (UnaryOperator<List<ChainEntry>>) c -> {
                    c.remove(9);
                    return c;
                }, 10L, "expected entry 10, found 11"),
                Arguments.of("two entries swapped", (UnaryOperator<List<ChainEntry>>) c -> {
                    Collections.swap(c, 20, 21);
                    return c;
                }, 21L, "expected entry 21, found 22"),
                Arguments.of("the first entry removed", (UnaryOperator<List<ChainEntry>>) c -> {
                    c.remove(0);
                    return c;
                }, 1L, "expected entry 1, found 2"));
    }

    @ParameterizedTest(name = "{0} is found at its sequence")
    @MethodSource("tampering")
    void tamperingIsReportedAtTheFirstBrokenSequence(String note, UnaryOperator<List<ChainEntry>> tamper, long firstBroken,
            String problem) {
        ChainVerifier.Result result = ChainVerifier.verify(tamper.apply(chain(100)).iterator(), 1, HashChain.GENESIS, Map.of());
        assertFalse(result.valid());
        assertEquals(firstBroken, result.firstBroken(), result.problem());
        assertTrue(result.problem().contains(problem), result.problem());
    }

    @Test
    void checkpointsMustMatchTheChainAndCarryAValidSignature() {
        KeyPair keys = CheckpointSigner.generateKeyPair();
        CheckpointSigner signer = new CheckpointSigner(keys.getPrivate());
        List<ChainEntry> entries = chain(50);
        Checkpoint good = signer.sign(25, ChainVerifier.hex(entries.get(24).hash()), Instant.parse("2026-11-21T10:00:00Z"));
        assertTrue(CheckpointSigner.verify(good, CheckpointSigner.decodePublicKey(CheckpointSigner.encode(keys.getPublic()))));
        assertTrue(ChainVerifier.verify(entries.iterator(), 1, HashChain.GENESIS, Map.of(25L, good)).valid());

        Checkpoint elsewhere = signer.sign(26, good.headHash(), Instant.parse("2026-11-21T10:00:00Z"));
        ChainVerifier.Result result = ChainVerifier.verify(entries.iterator(), 1, HashChain.GENESIS, Map.of(26L, elsewhere));
        assertEquals(26, result.firstBroken());

        Checkpoint forged = new Checkpoint(30, good.headHash(), good.signedAt(), good.signature());
        assertFalse(CheckpointSigner.verify(forged, keys.getPublic()), "the signature covers the sequence");
        assertFalse(CheckpointSigner.verify(good, CheckpointSigner.generateKeyPair().getPublic()), "another key");
    }

    @Test
    void verificationStreamsEntriesOneAtATime() {
        // An iterator that builds entries on demand: a million entries, never held in memory together.
        Iterator<ChainEntry> generated = new Iterator<>() {
            long next = 1;
            byte[] previous = HashChain.GENESIS;

            @Override
            public boolean hasNext() {
                return next <= 1_000_000;
            }

            @Override
            public ChainEntry next() {
                ChainEntry entry = HashChain.append(next, previous, ("{\"n\":" + next + "}").getBytes(StandardCharsets.UTF_8));
                previous = entry.hash();
                next++;
                return entry;
            }
        };
        ChainVerifier.Result result = ChainVerifier.verify(generated, 1, HashChain.GENESIS, Map.of());
        assertTrue(result.valid(), result.problem());
        assertEquals(1_000_000, result.entriesChecked());
    }
}

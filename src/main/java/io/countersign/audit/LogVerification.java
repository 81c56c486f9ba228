package io.countersign.audit;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recomputes the whole chain from the database, streaming, and checks every checkpoint's signature
 * against the trusted keys and its head hash against the chain.
 */
@ApplicationScoped
public class LogVerification {
    public record Report(boolean valid, long entriesChecked, long headSequence, String headHash,
            Long firstBrokenSequence, String problem, int checkpointsChecked, List<String> checkpointProblems) {
    }

    private final LogReader reader;
    private final CheckpointService checkpoints;
    private final Set<String> trustedKeys = new HashSet<>();

    LogVerification(LogReader reader, CheckpointService checkpoints, LogConfig config) {
        this.reader = reader;
        this.checkpoints = checkpoints;
        trustedKeys.add(checkpoints.publicKey());
        config.trustedCheckpointKeys().ifPresent(keys -> keys.forEach(k -> trustedKeys.add(k.strip())));
    }

    public Report verify() {
        // Checkpoints first: one signed after the head was read is above it only because the log grew,
        // while one above a head read before them means entries were cut off the end.
        List<CheckpointRecord> signed = checkpoints.all();
        LogReader.Head head = reader.head();
        Map<Long, Checkpoint> pinned = new HashMap<>();
        List<String> checkpointProblems = new ArrayList<>();
        int checked = 0;
        for (CheckpointRecord record : signed) {
            if (record.sequence > head.sequence()) {
                checked++;
                checkpointProblems.add("checkpoint " + record.sequence + " is beyond the head (" + head.sequence()
                        + "): entries after " + head.sequence() + " were removed");
                continue;
            }
            checked++;
            if (!trustedKeys.contains(record.publicKey)) {
                checkpointProblems.add("checkpoint " + record.sequence + " is signed by a key that is not trusted");
                continue;
            }
            PublicKey key = CheckpointSigner.decodePublicKey(record.publicKey);
            if (!CheckpointSigner.verify(record.checkpoint(), key)) {
                checkpointProblems.add("checkpoint " + record.sequence + " has a signature that does not verify");
                continue;
            }
            pinned.put(record.sequence, record.checkpoint());
        }
        ChainVerifier.Result chain;
        try (LogReader.Entries entries = reader.entries(head.sequence())) {
            chain = ChainVerifier.verify(entries, 1, HashChain.GENESIS, pinned);
        }
        String problem = chain.problem();
        Long broken = chain.valid() ? null : chain.firstBroken();
        if (chain.valid() && (chain.headSequence() != head.sequence()
                || !chain.headHash().equals("sha256:" + head.hash()))) {
            problem = "the chain head names entry " + head.sequence() + " with sha256:" + head.hash()
                    + ", but the entries end at " + chain.headSequence() + " with " + chain.headHash();
            broken = chain.headSequence() + 1;
        }
        boolean valid = problem == null && checkpointProblems.isEmpty();
        return new Report(valid, chain.entriesChecked(), head.sequence(), "sha256:" + head.hash(), broken, problem,
                checked, checkpointProblems);
    }
}

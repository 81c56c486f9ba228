package io.countersign.audit;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * Recomputes a decision log chain from a stream of entries, holding one entry at a time so memory stays
 * flat however long the log is, and reports the first sequence where it breaks.
 */
public final class ChainVerifier {
    private ChainVerifier() {
    }

    /**
     * The outcome of a verification.
     *
     * @param firstBroken the first sequence that does not verify, or -1 when the chain is whole
     * @param headHash {@code sha256:…} of the last entry that verified
     */
    public record Result(boolean valid, long entriesChecked, long firstBroken, String problem, long headSequence,
            String headHash) {
    }

    /**
     * Verifies entries that must start at {@code firstSequence} after {@code previousHash} (the genesis
     * hash for a whole log). Checkpoints, by sequence, must match the chain where they fall; their
     * signatures are checked separately ({@link CheckpointSigner#verify}).
     */
    public static Result verify(Iterator<ChainEntry> entries, long firstSequence, byte[] previousHash,
            Map<Long, Checkpoint> checkpoints) {
        long expected = firstSequence;
        byte[] previous = previousHash;
        long checked = 0;
        while (entries.hasNext()) {
            ChainEntry entry = entries.next();
            if (entry.sequence() != expected) {
                return broken(checked, expected, "expected entry " + expected + ", found " + entry.sequence()
                        + ": entries are missing or out of order", previous);
            }
            if (!Arrays.equals(entry.previousHash(), previous)) {
                return broken(checked, expected, "entry " + expected + " does not link to the entry before it", previous);
            }
            byte[] hash = HashChain.link(previous, entry.canonical());
            if (!Arrays.equals(hash, entry.hash())) {
                return broken(checked, expected, "entry " + expected + " was changed: its hash does not match its content",
                        previous);
            }
            Checkpoint checkpoint = checkpoints.get(expected);
            if (checkpoint != null && !checkpoint.headHash().equals(hex(hash))) {
                return broken(checked, expected, "checkpoint at " + expected + " names a different head hash", previous);
            }
            previous = hash;
            expected++;
            checked++;
        }
        return new Result(true, checked, -1, null, expected - 1, hex(previous));
    }

    public static String hex(byte[] hash) {
        return "sha256:" + HexFormat.of().formatHex(hash);
    }

    private static Result broken(long checked, long sequence, String problem, byte[] previous) {
        return new Result(false, checked, sequence, problem, sequence - 1, hex(previous));
    }
}

package io.countersign.audit;

/**
 * One stored link of the decision log: its sequence number, the canonical bytes of the entry, and the
 * hashes that chain it: {@code hash = SHA-256(previousHash || canonical)}.
 */
public record ChainEntry(long sequence, byte[] canonical, byte[] previousHash, byte[] hash) {
}

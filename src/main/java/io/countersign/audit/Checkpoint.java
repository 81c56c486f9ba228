package io.countersign.audit;

/**
 * A signed statement that the chain had {@code headHash} at {@code sequence}, made at {@code signedAt}:
 * Ed25519 over the canonical JSON of those three fields, signature in base64.
 */
public record Checkpoint(long sequence, String headHash, String signedAt, String signature) {
}

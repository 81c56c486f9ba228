package io.countersign.audit;

import java.time.Instant;

/**
 * What became of a {@link LogWrite}: appended at {@code sequence} with {@code hash}, or refused by its
 * guard; {@code payload} is the appended write's payload, or the refusal's.
 */
public record LogResult(boolean appended, long sequence, String hash, Instant recordedAt, Object payload) {
}

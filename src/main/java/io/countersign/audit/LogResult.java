package io.countersign.audit;

import java.time.Instant;

/**
 * What became of a {@link LogWrite}: appended at {@code sequence} with {@code hash}, or not appended
 * because its guard answered {@code refusal}.
 */
public record LogResult(long sequence, String hash, Instant recordedAt, Object refusal) {
    public boolean appended() {
        return refusal == null;
    }
}

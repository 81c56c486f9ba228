package io.countersign.audit;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.countersign.canonical.CanonicalJson;

/**
 * One entry to append, with the rows that must be committed in the same transaction (the decision, a
 * pending approval). The entry is canonicalized by the caller's thread, so the writer, which holds the
 * chain lock, only stamps, hashes and inserts.
 *
 * @param guard checked under the chain lock before anything is written; a non-null answer means the
 *        entry is not appended and becomes the result (an idempotent replay, a conflict)
 */
public record LogWrite(String kind, byte[] canonicalEntry, Guard guard, List<Object> rows) {
    public LogWrite {
        if (!kind.matches("[a-z][a-z.]*")) {
            throw new IllegalArgumentException("an entry kind is lower-case words and dots: " + kind);
        }
    }

    /** Checked with the chain locked, so its answer cannot be raced by another writer, on any instance. */
    @FunctionalInterface
    public interface Guard {
        Object refusal();
    }

    /** A row that records which log entry it belongs to. */
    public interface Sequenced {
        void sequence(long sequence);
    }

    public static LogWrite of(String kind, Object entry, Guard guard, List<Object> rows) {
        return new LogWrite(kind, CanonicalJson.bytes(entry), guard, List.copyOf(rows));
    }

    /**
     * The canonical JSON of {@code {"entry": …, "kind": …, "recordedAt": …, "sequence": …}}: the keys
     * are already in RFC 8785 order, so the stamped form is put together without canonicalizing again.
     * {@code kind} and {@code recordedAt} are plain ASCII needing no escapes.
     */
    byte[] stamped(String recordedAt, long sequence) {
        byte[] head = "{\"entry\":".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = (",\"kind\":\"" + kind + "\",\"recordedAt\":\"" + recordedAt + "\",\"sequence\":" + sequence + "}")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + canonicalEntry.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(canonicalEntry, 0, out, head.length, canonicalEntry.length);
        System.arraycopy(tail, 0, out, head.length + canonicalEntry.length, tail.length);
        return out;
    }
}

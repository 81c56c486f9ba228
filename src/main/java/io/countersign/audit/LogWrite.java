package io.countersign.audit;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.countersign.canonical.CanonicalJson;

/**
 * One entry to append, with the rows that must be committed in the same transaction (the decision, a
 * pending approval). The entry is canonicalized by the caller's thread, so the writer, which holds the
 * chain lock, only stamps, hashes and inserts.
 *
 * @param decisionId the decision the entry records, stored beside it so that the decision is found by its
 *        entry; null for other entries
 * @param guard checked under the chain lock before anything is written: it may let the entry through,
 *        put another in its place (built from the state it read), or refuse it
 * @param payload handed back to the caller with the result (what to answer once the entry is committed)
 */
public record LogWrite(String kind, byte[] canonicalEntry, String decisionId, Guard guard, List<Object> rows, Object payload) {
    public LogWrite {
        if (!plainKind(kind)) {
            throw new IllegalArgumentException("an entry kind is lower-case words and dots: " + kind);
        }
    }

    /** {@code [a-z][a-z.]*}: stamped into the entry without escaping. */
    private static boolean plainKind(String kind) {
        if (kind.isEmpty() || kind.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < kind.length(); i++) {
            char c = kind.charAt(i);
            if ((c < 'a' || c > 'z') && c != '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * Checked with the chain locked, so what it reads cannot change under it, on any instance: every
     * state change in the log (decisions, votes, expiries) is serialized by that one lock. May read and
     * change rows in the transaction; rows of earlier writes in the batch are already persisted. Returns
     * null to append the entry as queued.
     */
    @FunctionalInterface
    public interface Guard {
        Check check(LogBatch batch);

        /** The reads this guard shares with the others of its batch, run when the chain head is locked. */
        default List<BatchQuery<?>> queries() {
            return List.of();
        }
    }

    /** What a guard decided. */
    public sealed interface Check permits Append, Refuse {
    }

    /** Append {@code write} instead of the queued entry (its own guard is not run). */
    public record Append(LogWrite write) implements Check {
    }

    /** Append nothing; {@code payload} is the caller's result (an idempotent replay, a conflict). */
    public record Refuse(Object payload) implements Check {
    }

    /**
     * A row written once and never changed by this transaction: the writer inserts it with plain JDBC,
     * with the entries, instead of through the persistence context. Guards of the same batch do not see
     * it in the database, so a guard that must find it keeps it itself.
     */
    public interface Inserted {
        /** Its table and columns: one for every row of a kind, so that they are inserted together. */
        RowInsert insert();

        /** Its values in the columns' order, once its sequence is set. */
        Object[] values();
    }

    /** A row that records which log entry it belongs to. */
    public interface Sequenced {
        void sequence(long sequence);
    }

    /** This write with {@code guard} checked before it is appended. */
    public LogWrite withGuard(Guard guard) {
        return new LogWrite(kind, canonicalEntry, decisionId, guard, rows, payload);
    }

    public static LogWrite of(String kind, Object entry, Guard guard, List<Object> rows, Object payload) {
        return new LogWrite(kind, CanonicalJson.bytes(entry), null, guard, List.copyOf(rows), payload);
    }

    /** The entry of decision {@code decisionId}, found by that id once committed. */
    public static LogWrite decision(String decisionId, Object entry, List<Object> rows, Object payload) {
        return new LogWrite("decision", CanonicalJson.bytes(entry), decisionId, null, List.copyOf(rows), payload);
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

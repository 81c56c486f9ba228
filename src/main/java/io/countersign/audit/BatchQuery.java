package io.countersign.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A read the guards of a batch share, run once for the batch right after the chain head is locked. On
 * PostgreSQL it travels with the lock, in the same round trip, so that a batch needs no round trip of its
 * own for it. Its result is the database as it stood when the lock was taken; guards keep it current for
 * the writes of their batch (see {@link LogBatch#queried}). Each is a constant, one per kind of read.
 *
 * @param <T> what it reads
 */
public interface BatchQuery<T> {
    /** The statement for these writes, or null when they need none. */
    Sql sql(List<LogWrite> writes);

    /** Reads the statement's rows; {@code batch} gives the batch's time. */
    T read(ResultSet rows, LogBatch batch) throws SQLException;

    /** A statement and its parameters, in order. */
    record Sql(String text, List<Object> parameters) {
        public Sql {
            parameters = List.copyOf(parameters);
        }
    }
}

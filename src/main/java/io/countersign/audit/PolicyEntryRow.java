package io.countersign.audit;

import static io.countersign.audit.RowInsert.Type.BIGINT;
import static io.countersign.audit.RowInsert.column;

/**
 * Marks a policy load or reload entry in {@code log_policy_entry}, so that evidence lists the few loads of a
 * log of millions of entries without an index on every entry's kind. Inserted with its entry.
 */
public final class PolicyEntryRow implements LogWrite.Sequenced, LogWrite.Inserted {
    private static final RowInsert INSERT = RowInsert.into("log_policy_entry", column("sequence", BIGINT));

    private long sequence;

    @Override
    public void sequence(long sequence) {
        this.sequence = sequence;
    }

    @Override
    public RowInsert insert() {
        return INSERT;
    }

    @Override
    public Object[] values() {
        return new Object[] { sequence };
    }
}

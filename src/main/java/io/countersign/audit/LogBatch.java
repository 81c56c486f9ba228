package io.countersign.audit;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The batch a guard is checked in: its time, every write in it, and state that the guards of one batch
 * share, so that one query can serve them all instead of one query per entry under the chain lock.
 */
public final class LogBatch {
    private final Instant now;
    private final List<LogWrite> writes;
    private final Map<Class<?>, Object> shared = new HashMap<>();
    private final Map<BatchQuery<?>, Object> queried = new HashMap<>();

    LogBatch(Instant now, List<LogWrite> writes) {
        this.now = now;
        this.writes = List.copyOf(writes);
    }

    /** The time every entry of the batch is recorded at. */
    public Instant now() {
        return now;
    }

    /** Every write queued in this batch, in order, as queued (before any guard replaced one). */
    public List<LogWrite> writes() {
        return writes;
    }

    /**
     * The batch's one {@code type}, loaded by the first guard that asks for it. Guards that change what it
     * holds keep it current for the guards after them.
     */
    public <T> T shared(Class<T> type, Function<LogBatch, T> load) {
        Object value = shared.get(type);
        if (value == null) {
            value = load.apply(this);
            shared.put(type, value);
        }
        return type.cast(value);
    }

    /**
     * What {@code query} read when the chain head was locked, or null when no write of the batch asked for
     * it (or its statement was not needed). It does not show the writes of this batch: guards that change
     * what it covers keep track of that themselves.
     */
    @SuppressWarnings("unchecked")
    public <T> T queried(BatchQuery<T> query) {
        return (T) queried.get(query);
    }

    <T> void read(BatchQuery<T> query, T result) {
        queried.put(query, result);
    }
}

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
}

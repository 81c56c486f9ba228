package io.countersign.approval;

import java.util.HashSet;
import java.util.Set;

import io.countersign.audit.LogBatch;

/**
 * The approval requests a batch of log writes has read or changed through their entities so far. A guard
 * that read a request's state with a plain query earlier in the batch must look at the entity instead
 * once the request is in here, since the entity may hold a change not yet flushed.
 */
public final class TouchedApprovals {
    private final Set<String> ids = new HashSet<>();

    public static TouchedApprovals in(LogBatch batch) {
        return batch.shared(TouchedApprovals.class, b -> new TouchedApprovals());
    }

    public void add(String id) {
        ids.add(id);
    }

    public boolean contains(String id) {
        return ids.contains(id);
    }
}

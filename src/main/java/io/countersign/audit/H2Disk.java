package io.countersign.audit;

import jakarta.enterprise.context.ApplicationScoped;

import org.h2.mvstore.MVStore;

/**
 * Flushes an embedded H2 store's file to the disk ({@code FileChannel.force}), which H2 does not do at a
 * commit. The decision log's one way to the disk, so that a disk that refuses flushes can be shown to fail
 * closed.
 */
@ApplicationScoped
class H2Disk {
    void flush(MVStore store) {
        store.sync();
    }
}

package io.countersign.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.store.fs.FilePath;

/**
 * Flushes an embedded H2 store's file to the disk ({@code FileChannel.force}), which H2 does not do at a
 * commit. The decision log's one way to the disk, so that a disk that refuses flushes can be shown to fail
 * closed.
 *
 * It flushes through a channel of its own to the store's file, not through {@link MVStore#sync()}: that
 * forces H2's channel only if it is still open, and returns as if flushed when it is not (H2's channel is
 * closed under it when a thread is interrupted in the middle of H2's I/O, before the store notices). A
 * flush of one channel makes durable every write to the file, whichever channel made it; this one fails
 * with the disk's error, or with its own closing, and never passes for a flush it did not do.
 */
@ApplicationScoped
class H2Disk {
    /** The store {@link #channel} was opened for: a database opened again has a new store, and maybe a new file. */
    private MVStore opened;
    private FileChannel channel;

    synchronized void flush(MVStore store) throws IOException {
        FileStore<?> file = store.getFileStore();
        if (file == null) {
            // An in-memory database: nothing of it can reach a disk.
            return;
        }
        if (store != opened) {
            close();
            // Through H2's file systems, which the store's file name may name (nio:, split:, a wrapper).
            channel = FilePath.get(file.getFileName()).open("r");
            opened = store;
        }
        channel.force(true);
    }

    /** Flushes what was written through {@code channel} ({@code fdatasync}): the log journal's way to the disk. */
    void force(FileChannel channel) throws IOException {
        channel.force(false);
    }

    @PreDestroy
    synchronized void close() throws IOException {
        opened = null;
        if (channel != null) {
            FileChannel closing = channel;
            channel = null;
            closing.close();
        }
    }
}

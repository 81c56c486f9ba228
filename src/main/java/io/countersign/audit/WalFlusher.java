package io.countersign.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

/**
 * Makes batches the log writer committed asynchronously ({@code synchronous_commit = off}, PostgreSQL) durable
 * before their callers are answered. The writer hands over each committed batch; this thread commits one
 * synchronous, WAL-writing transaction (an update of this instance's {@code log_flush} row), which returns
 * only once the WAL is flushed up to its own commit record, and so past the commit of every batch handed
 * over before it began. Then it releases those batches. Meanwhile the writer goes on with the next batch
 * instead of waiting for the disk, so one flush serves every batch committed while the last one ran.
 *
 * INVARIANT: a batch is released only by a flush that began after the batch's commit returned.
 */
final class WalFlusher {
    private static final String UPDATE = "UPDATE log_flush SET flushes = flushes + 1 WHERE instance = ?";
    private static final String INSERT = "INSERT INTO log_flush (instance, flushes) VALUES (?, 1)";

    /** A committed batch waiting to be made durable: released with {@code release}, or failed with {@code fail}. */
    record Committed(Runnable release, Consumer<RuntimeException> fail) {
    }

    private final DataSource dataSource;
    private final String instance = RowIds.next();
    private final BlockingQueue<Committed> queue = new LinkedBlockingQueue<>();
    private final Consumer<Duration> flushed;
    private final Consumer<RuntimeException> failed;
    private Connection connection;

    /**
     * @param flushed told how long each successful flush took
     * @param failed told of each failed flush (its batches have already been failed)
     */
    WalFlusher(DataSource dataSource, Consumer<Duration> flushed, Consumer<RuntimeException> failed) {
        this.dataSource = dataSource;
        this.flushed = flushed;
        this.failed = failed;
    }

    /** Hands over a batch whose commit has returned. */
    void committed(Committed batch) {
        queue.add(batch);
    }

    /**
     * Flushes and releases what has been handed over, waiting up to {@code idle} for the first batch;
     * returns whether there was any.
     */
    boolean flushNext(Duration idle) throws InterruptedException {
        Committed first = queue.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return false;
        }
        List<Committed> batches = new ArrayList<>();
        batches.add(first);
        queue.drainTo(batches);
        long started = System.nanoTime();
        try {
            flush();
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            LogUnavailableException failure = new LogUnavailableException(
                    "the database did not confirm the entries durable: " + e.getMessage(), e);
            batches.forEach(b -> b.fail().accept(failure));
            failed.accept(failure);
            return true;
        }
        flushed.accept(Duration.ofNanos(System.nanoTime() - started));
        batches.forEach(b -> b.release().run());
        return true;
    }

    /** Whether batches are waiting. */
    boolean pending() {
        return !queue.isEmpty();
    }

    /** Fails whatever is still waiting (the service stops) and lets go of the connection. */
    void close(RuntimeException why) {
        for (Committed batch; (batch = queue.poll()) != null;) {
            batch.fail().accept(why);
        }
        closeConnection();
    }

    private void flush() throws SQLException {
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
        }
        // Autocommit: the statement is its own transaction, and its commit waits for the WAL flush
        // (synchronous_commit is on for this connection, as configured on the server).
        try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
            update.setString(1, instance);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, instance);
            insert.executeUpdate();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Broken already: the pool discards it.
            }
            connection = null;
        }
    }
}

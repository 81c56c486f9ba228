package io.countersign.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;

/**
 * Reads the log in sequence order, a page at a time, straight from JDBC: SIEM paging and verification
 * read millions of rows, and neither needs entities. Memory stays flat in the size of the log.
 */
@ApplicationScoped
@Startup // created at start, so that a bad countersign.log.readers stops the start, not a later verification
public class LogReader {
    static final int PAGE = 2_000;

    /** A stored entry: its body as stored (the canonical UTF-8 its hash covers), its hashes as hex. */
    public record StoredEntry(long sequence, byte[] body, String prevHash, String hash) {
        /** The body as text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The head as committed: the last sequence and its hash (hex). */
    public record Head(long sequence, String hash) {
    }

    private final DataSource dataSource;
    /** Waits for the embedded H2 log's journaled entries to reach the tables before a read; does nothing elsewhere. */
    private final Runnable catchUp;

    @Inject
    LogReader(DataSource dataSource, @ConfigProperty(name = "quarkus.datasource.db-kind") String dbKind,
            LogConfig config, DecisionLog log) {
        this(dataSource, dbKind, config, log::catchUp);
    }

    /** A reader of a database no writer of this service appends to, or whose writer {@code catchUp} waits for. */
    LogReader(DataSource dataSource, String dbKind, LogConfig config, Runnable catchUp) {
        this.dataSource = dataSource;
        this.catchUp = catchUp;
        this.readers = config.readers().orElse("h2".equals(dbKind) ? 2 : Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())));
        if (this.readers < 1) {
            throw new IllegalArgumentException("countersign.log.readers must be at least 1, not " + this.readers);
        }
    }

    /**
     * The head as committed. Every read of the log begins with it or with {@link #decisionEntries}, so each
     * first waits until the entries already answered are in the tables.
     */
    public Head head() {
        catchUp.run();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT sequence, hash FROM chain_head WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("the chain head row is missing");
            }
            return new Head(rs.getLong(1), rs.getString(2));
        } catch (SQLException e) {
            throw new LogUnavailableException("cannot read the log: " + e.getMessage(), e);
        }
    }

    /** Up to {@code limit} entries after {@code afterSequence}, in order. */
    public List<StoredEntry> page(long afterSequence, long throughSequence, int limit) {
        return query("WHERE sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?", Math.min(limit, PAGE),
                afterSequence, throughSequence, limit);
    }

    /**
     * The entries recorded with {@code decisionId} beside them (written since V8): one, unless the column was
     * altered, which its hash does not cover. The caller picks the entry whose own decisionId it is; at most
     * {@link #DECISION_CANDIDATES} are read, so a column set to one id everywhere does not load the log.
     */
    public List<StoredEntry> decisionEntries(String decisionId) {
        catchUp.run();
        return query("WHERE decision_id = ? ORDER BY sequence LIMIT " + DECISION_CANDIDATES, 1, decisionId);
    }

    static final int DECISION_CANDIDATES = 16;

    private List<StoredEntry> query(String where, int expected, Object... parameters) {
        List<StoredEntry> entries = new ArrayList<>(expected);
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT sequence, body, prev_hash, hash FROM log_entry " + where)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    entries.add(new StoredEntry(rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getString(4)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new LogUnavailableException("cannot read the log: " + e.getMessage(), e);
        }
    }

    /**
     * Every entry from the first through {@code throughSequence}, in order. Reader threads fetch and
     * decode the next sequence ranges in parallel while the caller works on the current one, at most
     * {@link #AHEAD} ranges ahead, so memory stays flat; close the stream to stop them.
     */
    public Entries entries(long throughSequence) {
        return entries(0, throughSequence);
    }

    /** As {@link #entries(long)}, from the entry after {@code afterSequence}. */
    public Entries entries(long afterSequence, long throughSequence) {
        return new Entries(afterSequence, throughSequence);
    }

    static final int AHEAD = 4;
    /**
     * Readers per stream ({@code countersign.log.readers}): 2 to 4 on a database server, whose backends
     * read in parallel (PostgreSQL: 114k entries/s with two against about 30k with one); 2 on embedded H2,
     * where a second reader gained about a tenth (141,410 entries verified in a median 0.89 s with two,
     * 0.99 s with one, 2026-11-22) and a third nothing more. See docs/BENCHMARKS.md.
     */
    private final int readers;

    /**
     * The entries as they are read. Ranges are cut by sequence number, so a missing or extra row shows up
     * to the verifier as a gap or a repeat, exactly as with one reader; failures surface from {@link #hasNext}.
     */
    public final class Entries implements Iterator<ChainEntry>, AutoCloseable {
        private final ExecutorService readers = Executors.newFixedThreadPool(LogReader.this.readers, r -> {
            Thread thread = new Thread(r, "cs-log-reader");
            thread.setDaemon(true);
            return thread;
        });
        private final Deque<Future<List<ChainEntry>>> ahead = new ArrayDeque<>();
        private final long through;
        private long nextAfter;
        private Iterator<ChainEntry> page = List.<ChainEntry> of().iterator();

        Entries(long afterSequence, long throughSequence) {
            this.through = throughSequence;
            this.nextAfter = afterSequence;
            while (ahead.size() < AHEAD && readAhead()) {
                // fill the window
            }
        }

        private boolean readAhead() {
            if (nextAfter >= through) {
                return false;
            }
            long after = nextAfter;
            long upTo = Math.min(through, after + PAGE);
            nextAfter = upTo;
            ahead.add(readers.submit(() -> decode(page(after, upTo, PAGE))));
            return true;
        }

        private List<ChainEntry> decode(List<StoredEntry> stored) {
            List<ChainEntry> decoded = new ArrayList<>(stored.size());
            for (StoredEntry e : stored) {
                decoded.add(new ChainEntry(e.sequence(), e.body(), HashHex.parse(e.prevHash()), HashHex.parse(e.hash())));
            }
            return decoded;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext()) {
                Future<List<ChainEntry>> next = ahead.poll();
                if (next == null) {
                    return false;
                }
                try {
                    page = next.get().iterator();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LogUnavailableException("interrupted while reading the log", e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r
                            : new LogUnavailableException("cannot read the log: " + e.getCause(), e.getCause());
                }
                readAhead();
            }
            return true;
        }

        @Override
        public ChainEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.next();
        }

        @Override
        public void close() {
            readers.shutdownNow();
        }
    }
}

package io.countersign.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads the log in sequence order, a page at a time, straight from JDBC: SIEM paging and verification
 * read millions of rows, and neither needs entities. Memory stays flat in the size of the log.
 */
@ApplicationScoped
public class LogReader {
    static final int PAGE = 5_000;

    /** A stored entry as text, for paging out. */
    public record StoredEntry(long sequence, String body, String prevHash, String hash) {
    }

    /** The head as committed: the last sequence and its hash (hex). */
    public record Head(long sequence, String hash) {
    }

    private final DataSource dataSource;

    LogReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Head head() {
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
        List<StoredEntry> entries = new ArrayList<>(Math.min(limit, PAGE));
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT sequence, body, prev_hash, hash FROM log_entry"
                        + " WHERE sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?")) {
            s.setLong(1, afterSequence);
            s.setLong(2, throughSequence);
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    entries.add(new StoredEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new LogUnavailableException("cannot read the log: " + e.getMessage(), e);
        }
    }

    /**
     * Every entry from the first through {@code throughSequence}, in order. A reader thread fetches and
     * decodes the next pages while the caller works on the current one, at most {@link #AHEAD} pages
     * ahead, so memory stays flat; close the stream to stop it early.
     */
    public Entries entries(long throughSequence) {
        return entries(0, throughSequence);
    }

    /** As {@link #entries(long)}, from the entry after {@code afterSequence}. */
    public Entries entries(long afterSequence, long throughSequence) {
        return new Entries(afterSequence, throughSequence);
    }

    static final int AHEAD = 2;

    /** The entries as they are read; failures of the reader thread surface from {@link #hasNext}. */
    public final class Entries implements Iterator<ChainEntry>, AutoCloseable {
        private static final List<ChainEntry> END = List.of();
        private final BlockingQueue<List<ChainEntry>> pages = new ArrayBlockingQueue<>(AHEAD);
        private final Thread reader;
        private volatile boolean closed;
        private volatile RuntimeException failure;
        private Iterator<ChainEntry> page = List.<ChainEntry> of().iterator();
        private boolean ended;

        Entries(long afterSequence, long throughSequence) {
            reader = new Thread(() -> read(afterSequence, throughSequence), "countersign-log-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(long afterSequence, long throughSequence) {
            try {
                long after = afterSequence;
                while (!closed) {
                    List<StoredEntry> stored = page(after, throughSequence, PAGE);
                    List<ChainEntry> decoded = new ArrayList<>(stored.size());
                    HexFormat hex = HexFormat.of();
                    for (StoredEntry e : stored) {
                        decoded.add(new ChainEntry(e.sequence(), e.body().getBytes(StandardCharsets.UTF_8),
                                hex.parseHex(e.prevHash()), hex.parseHex(e.hash())));
                    }
                    if (!decoded.isEmpty()) {
                        pages.put(decoded);
                        after = decoded.get(decoded.size() - 1).sequence();
                    }
                    if (stored.size() < PAGE) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                if (!closed) {
                    try {
                        pages.put(END);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext() && !ended) {
                List<ChainEntry> next;
                try {
                    next = pages.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LogUnavailableException("interrupted while reading the log", e);
                }
                if (next == END) {
                    ended = true;
                    if (failure != null) {
                        throw failure;
                    }
                }
                page = next.iterator();
            }
            return page.hasNext();
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
            closed = true;
            reader.interrupt();
        }
    }
}

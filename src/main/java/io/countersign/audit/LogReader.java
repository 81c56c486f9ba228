package io.countersign.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads the log in sequence order, a page at a time, straight from JDBC: SIEM paging and verification
 * read millions of rows, and neither needs entities. Memory stays flat in the size of the log.
 */
@ApplicationScoped
public class LogReader {
    static final int PAGE = 2_000;

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

    /** Every entry from the first through {@code throughSequence}, fetched a page at a time as the iterator moves. */
    public Iterator<ChainEntry> entries(long throughSequence) {
        return new Iterator<>() {
            private long after = 0;
            private Iterator<StoredEntry> page = List.<StoredEntry> of().iterator();
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (!page.hasNext() && !exhausted) {
                    List<StoredEntry> next = page(after, throughSequence, PAGE);
                    exhausted = next.size() < PAGE;
                    page = next.iterator();
                }
                return page.hasNext();
            }

            @Override
            public ChainEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                StoredEntry e = page.next();
                after = e.sequence();
                HexFormat hex = HexFormat.of();
                return new ChainEntry(e.sequence(), e.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        hex.parseHex(e.prevHash()), hex.parseHex(e.hash()));
            }
        };
    }
}

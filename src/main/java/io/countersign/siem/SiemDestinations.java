package io.countersign.siem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.OptionalLong;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code siem_destination} rows, by plain JDBC (each statement commits on its own). An instance pushes a
 * batch only while it holds the row ({@link #hold}, a conditional update any database serializes), and moves
 * the acknowledged sequence only from the value it read ({@link #acknowledge}), so two instances never both
 * advance it and nothing acknowledged is lost.
 */
@ApplicationScoped
class SiemDestinations {
    private final DataSource dataSource;

    SiemDestinations(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the row, starting before the first entry, unless it exists. */
    void ensure(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM siem_destination WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO siem_destination (name, acked_sequence) VALUES (?, 0)")) {
                s.setString(1, name);
                s.executeUpdate();
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                }
                // another instance created it first
            }
        }
    }

    /**
     * Takes or renews the hold on {@code name} for {@code holder} until {@code until}; false while another
     * instance holds it.
     */
    boolean hold(String name, String holder, Instant now, Instant until) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE siem_destination SET holder = ?, held_until = ?"
                        + " WHERE name = ? AND (holder IS NULL OR holder = ? OR held_until < ?)")) {
            s.setString(1, holder);
            s.setObject(2, time(until));
            s.setString(3, name);
            s.setString(4, holder);
            s.setObject(5, time(now));
            return s.executeUpdate() == 1;
        }
    }

    OptionalLong acknowledged(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT acked_sequence FROM siem_destination WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** Moves the acknowledged sequence from {@code from} to {@code to}; false if it moved meanwhile or the hold was lost. */
    boolean acknowledge(String name, String holder, long from, long to, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE siem_destination SET acked_sequence = ?, acked_at = ?"
                        + " WHERE name = ? AND holder = ? AND acked_sequence = ?")) {
            s.setLong(1, to);
            s.setObject(2, time(at));
            s.setString(3, name);
            s.setString(4, holder);
            s.setLong(5, from);
            return s.executeUpdate() == 1;
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V8 on a log written before it: policy loads stay listed, old decisions keep their rows. On the database the
 * suite runs against: an H2 of its own, or a fresh PostgreSQL database when the suite is pointed at one.
 */
class LeanDecisionRowsMigrationTest {
    @Test
    void aLogFromBeforeV8KeepsItsPolicyLoadsListedAndItsRows() throws SQLException {
        MigrationDatabase.fresh("v8", LeanDecisionRowsMigrationTest::migrateAndCheck);
    }

    private static void migrateAndCheck(MigrationDatabase database) throws SQLException {
        String url = database.url();
        String user = database.user();
        String indexQuery = database.postgresql() ? "SELECT indexname FROM pg_indexes WHERE tablename = 'log_entry'"
                : "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'LOG_ENTRY'";
        Flyway.configure().dataSource(url, user, "").target("7").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            String[] kinds = { "policy", "decision", "approval", "policy", "decision" };
            try (PreparedStatement entry = c.prepareStatement("INSERT INTO log_entry (sequence, recorded_at, kind, body, prev_hash, hash)"
                    + " VALUES (?, CURRENT_TIMESTAMP, ?, '{}', 'p', 'h')")) {
                for (int i = 0; i < kinds.length; i++) {
                    entry.setLong(1, i + 1);
                    entry.setString(2, kinds[i]);
                    entry.executeUpdate();
                }
            }
            try (PreparedStatement decision = c.prepareStatement("INSERT INTO decision (id, sequence, decided_at, caller_id,"
                    + " outcome, action_digest) VALUES ('d-2', 2, CURRENT_TIMESTAMP, 'old-bot', 'ALLOW', 'sha256:x')")) {
                decision.executeUpdate();
            }
        }

        Flyway.configure().dataSource(url, user, "").load().migrate();

        try (Connection c = DriverManager.getConnection(url, user, "")) {
            assertEquals(List.of(1L, 4L), longs(c, "SELECT sequence FROM log_policy_entry ORDER BY sequence"),
                    "every policy entry written before is marked, and only those");
            assertEquals(List.of(5L), longs(c, "SELECT COUNT(*) FROM log_entry WHERE decision_id IS NULL"),
                    "entries written before have no id beside them");
            assertEquals(List.of(2L), longs(c, "SELECT sequence FROM decision WHERE id = 'd-2'"),
                    "a decision from before keeps its row, by which it is found");
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(indexQuery)) {
                while (rs.next()) {
                    indexes.add(rs.getString(1).toLowerCase());
                }
            }
            assertFalse(indexes.contains("log_entry_kind"), "the kind index is gone: " + indexes);
            assertTrue(indexes.contains("log_entry_decision"), indexes.toString());
        }
    }

    private static List<Long> longs(Connection c, String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }
}

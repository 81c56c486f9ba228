package io.countersign.audit;

import static io.countersign.audit.RowInsert.Type.BIGINT;
import static io.countersign.audit.RowInsert.Type.BYTEA;
import static io.countersign.audit.RowInsert.Type.TIMESTAMPTZ;
import static io.countersign.audit.RowInsert.Type.VARCHAR;
import static io.countersign.audit.RowInsert.column;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The writer's inserts, on embedded H2 (one JDBC batch per table) and, when the suite runs against
 * PostgreSQL, on PostgreSQL (every table and the head move in one statement, rows as arrays): the same
 * values come back, whatever characters they hold, and a failing statement leaves nothing behind.
 */
class RowInsertTest {
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final RowInsert entries = RowInsert.into("ri_entry_" + suffix, column("seq", BIGINT), column("stamp", TIMESTAMPTZ),
            column("body", VARCHAR), column("raw", BYTEA));
    private final RowInsert notes = RowInsert.into("ri_note_" + suffix, column("id", VARCHAR), column("seq", BIGINT),
            column("note", VARCHAR));

    @Test
    void h2() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:" + suffix, "sa", "")) {
            insertsEveryValueAndMovesTheHead(c, false);
            aFailingStatementLeavesNothing(c, false);
        }
    }

    @Test
    void postgresql() throws SQLException {
        String url = System.getProperty("countersign.test.jdbc-url", "");
        assumeTrue(url.startsWith("jdbc:postgresql:"), "the suite runs against PostgreSQL only with countersign.test.jdbc-url");
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            try {
                insertsEveryValueAndMovesTheHead(c, true);
                aFailingStatementLeavesNothing(c, true);
            } finally {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + entries.table() + ", " + notes.table() + ", ri_head_" + suffix);
                }
            }
        }
    }

    private void insertsEveryValueAndMovesTheHead(Connection c, boolean postgresql) throws SQLException {
        create(c);
        // Characters an array literal must escape, an empty string, non-ASCII, and nulls.
        String[] bodies = { "{\"a\":\"q\\\"x\",\"b\":[1,2]}", "b,c}{ \"NULL\" NULL", "", "żółw ☃ \t\n end", null };
        Instant[] times = { Instant.parse("2026-11-22T05:00:00.123456Z"), Instant.parse("2026-11-22T05:00:00Z"),
                Instant.parse("1999-12-31T23:59:59.5Z"), Instant.parse("2026-01-01T00:00:00.000001Z"), null };
        // Bytes as stored, whatever they are: zeros, backslashes (bytea's escape), bytes that are not UTF-8.
        byte[][] raws = { "{\"a\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8), { 0, 0, 92, 120, 48 },
                {}, { (byte) 0xff, (byte) 0xc3, 0x28, (byte) 0x80 }, null };
        List<Object[]> entryRows = new ArrayList<>();
        List<Object[]> noteRows = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            entryRows.add(new Object[] { 10L + i, times[i], bodies[i], raws[i] });
            if (i % 2 == 0) {
                noteRows.add(new Object[] { "note-" + i, 10L + i, bodies[bodies.length - 1 - i] });
            }
        }
        Map<RowInsert, List<Object[]>> rows = new LinkedHashMap<>();
        rows.put(entries, entryRows);
        rows.put(notes, noteRows);

        c.setAutoCommit(false);
        RowInsert.insertAll(c, postgresql, rows, "UPDATE ri_head_" + suffix + " SET seq = ?, hash = ? WHERE id = 1", 14L, "h14");
        c.commit();

        assertRows(entryRows, read(c, "SELECT seq, stamp, body, raw FROM " + entries.table() + " ORDER BY seq"));
        assertRows(noteRows, read(c, "SELECT id, seq, note FROM " + notes.table() + " ORDER BY id"));
        assertRows(List.<Object[]> of(new Object[] { 14L, "h14" }), read(c, "SELECT seq, hash FROM ri_head_" + suffix));
    }

    private void aFailingStatementLeavesNothing(Connection c, boolean postgresql) throws SQLException {
        Map<RowInsert, List<Object[]>> rows = new LinkedHashMap<>();
        rows.put(entries, List.<Object[]> of(new Object[] { 20L, Instant.now(), "kept only if all goes in", new byte[] { 1 } }));
        // The second row repeats a primary key already stored: the whole statement fails.
        rows.put(notes, List.<Object[]> of(new Object[] { "note-new", 20L, "x" }, new Object[] { "note-0", 20L, "dup" }));
        assertThrows(SQLException.class, () -> RowInsert.insertAll(c, postgresql, rows,
                "UPDATE ri_head_" + suffix + " SET seq = ?, hash = ? WHERE id = 1", 20L, "h20"));
        c.rollback();
        assertEquals(5, read(c, "SELECT seq FROM " + entries.table()).size(), "no entry of the failed batch stays");
        assertRows(List.<Object[]> of(new Object[] { 14L, "h14" }), read(c, "SELECT seq, hash FROM ri_head_" + suffix));
    }

    private void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + entries.table() + " (seq BIGINT PRIMARY KEY, stamp TIMESTAMP WITH TIME ZONE,"
                    + " body VARCHAR(1000), raw BYTEA)");
            s.execute("CREATE TABLE " + notes.table() + " (id VARCHAR(36) PRIMARY KEY, seq BIGINT NOT NULL, note VARCHAR(1000))");
            s.execute("CREATE TABLE ri_head_" + suffix + " (id INTEGER PRIMARY KEY, seq BIGINT, hash VARCHAR(64))");
            s.execute("INSERT INTO ri_head_" + suffix + " VALUES (1, 0, 'h0')");
        }
    }

    /** Rows as Long, String, Instant and byte[] values, the types the inserts are given. */
    private static List<Object[]> read(Connection c, String sql) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    Object value = rs.getObject(i + 1);
                    row[i] = value instanceof Number number ? (Object) number.longValue()
                            : value == null ? null
                            : value instanceof String || value instanceof byte[] ? value
                            : rs.getObject(i + 1, OffsetDateTime.class).toInstant();
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static void assertRows(List<Object[]> expected, List<Object[]> actual) {
        assertEquals(text(expected), text(actual));
    }

    private static String text(List<Object[]> rows) {
        return rows.stream().map(Arrays::deepToString).toList().toString();
    }
}

package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V9 on a log written before it, when bodies were text: each body becomes the UTF-8 its hash was computed
 * over, so the chain still verifies through the service's reader. Bodies hold what text could hide a
 * difference in: characters beyond ASCII and beyond the BMP, and JSON escapes with backslashes (which a
 * text-to-bytea cast on PostgreSQL would read as escapes of its own).
 */
class EntryBodyAsBytesMigrationTest {
    private static final List<String> BODIES = List.of(
            "{\"entry\":{\"note\":\"plain\"},\"kind\":\"decision\",\"sequence\":1}",
            "{\"entry\":{\"note\":\"caf\u00e9 \u6570\u636e \ud83d\ude00\"},\"kind\":\"decision\",\"sequence\":2}",
            "{\"entry\":{\"note\":\"a \\\"quoted\\\" \\\\ back\\\\slash\\n\\u0001\"},\"kind\":\"approval\",\"sequence\":3}",
            "{\"entry\":{\"note\":\"\\\\x41\\\\101\"},\"kind\":\"policy\",\"sequence\":4}");

    @Test
    void aLogWrittenAsTextVerifiesAfterItsBodiesBecomeBytes() throws SQLException {
        MigrationDatabase.fresh("v9", EntryBodyAsBytesMigrationTest::migrateAndCheck);
    }

    private static void migrateAndCheck(MigrationDatabase database) throws SQLException {
        String url = database.url();
        String user = database.user();
        Flyway.configure().dataSource(url, user, "").target("8").load().migrate();
        HexFormat hex = HexFormat.of();
        List<byte[]> hashes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, "");
                PreparedStatement entry = c.prepareStatement("INSERT INTO log_entry (sequence, recorded_at, kind, body, prev_hash, hash)"
                        + " VALUES (?, ?, 'decision', ?, ?, ?)");
                PreparedStatement head = c.prepareStatement("UPDATE chain_head SET sequence = ?, hash = ? WHERE id = 1")) {
            byte[] previous = HashChain.GENESIS;
            for (int i = 0; i < BODIES.size(); i++) {
                byte[] hash = HashChain.link(previous, BODIES.get(i).getBytes(StandardCharsets.UTF_8));
                entry.setLong(1, i + 1);
                entry.setObject(2, Instant.now().atOffset(ZoneOffset.UTC));
                entry.setString(3, BODIES.get(i));
                entry.setString(4, hex.formatHex(previous));
                entry.setString(5, hex.formatHex(hash));
                entry.executeUpdate();
                hashes.add(hash);
                previous = hash;
            }
            head.setLong(1, BODIES.size());
            head.setString(2, hex.formatHex(previous));
            head.executeUpdate();
        }

        Flyway.configure().dataSource(url, user, "").load().migrate();

        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT sequence, body FROM log_entry ORDER BY sequence")) {
                int i = 0;
                while (rs.next()) {
                    assertArrayEquals(BODIES.get(i).getBytes(StandardCharsets.UTF_8), rs.getBytes(2),
                            "entry " + rs.getLong(1) + " is its text's UTF-8");
                    i++;
                }
                assertEquals(BODIES.size(), i, "every entry is still there");
            }
            SQLException nullBody = assertThrows(SQLException.class, () -> c.createStatement().executeUpdate(
                    "INSERT INTO log_entry (sequence, recorded_at, kind, body, prev_hash, hash)"
                            + " VALUES (99, CURRENT_TIMESTAMP, 'decision', NULL, 'p', 'h')"));
            assertTrue(nullBody.getMessage().toLowerCase().contains("null"), "a body is still required: " + nullBody.getMessage());
        }

        LogReader reader = new LogReader(database.dataSource(), database.kind(), readers(2), () -> { });
        try (LogReader.Entries entries = reader.entries(reader.head().sequence())) {
            ChainVerifier.Result result = ChainVerifier.verify(entries, 1, HashChain.GENESIS, Map.of());
            assertTrue(result.valid(), "the chain verifies after the migration: " + result);
            assertEquals(BODIES.size(), result.entriesChecked());
            assertEquals(ChainVerifier.hex(hashes.get(hashes.size() - 1)), result.headHash());
        }
    }

    /** The log's settings as far as the reader looks at them. */
    private static LogConfig readers(int readers) {
        return (LogConfig) Proxy.newProxyInstance(LogConfig.class.getClassLoader(), new Class<?>[] { LogConfig.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("readers")) {
                        return Optional.of(readers);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}

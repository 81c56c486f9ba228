package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * The embedded store commits each transaction to the file (WRITE_DELAY=0), so H2 runs no housekeeping of
 * its own: without {@link H2Housekeeping} the file grows with every commit; with it, dead chunks are freed
 * and their space reused. Two databases take the same append-only commits, one with housekeeping rounds.
 */
class H2HousekeepingTest {
    private static final int COMMITS = 3_000;

    @Test
    void housekeepingKeepsAnAppendOnlyStoreFromGrowingWithEveryCommit(@TempDir Path dir) throws Exception {
        long without = fileAfterCommits(dir.resolve("without"), false);
        long with = fileAfterCommits(dir.resolve("with"), true);
        System.out.printf("after %d commits: %d KiB without housekeeping, %d KiB with%n", COMMITS, without / 1024, with / 1024);
        assertTrue(with * 2 < without, "with housekeeping " + with + " bytes, without " + without);
    }

    private static long fileAfterCommits(Path dir, boolean housekeeping) throws SQLException {
        JdbcDataSource dataSource = new JdbcDataSource();
        // As the service's URL, with H2's retention time down to nothing so that a test need not wait 45 s.
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=0");
        H2Housekeeping rounds = new H2Housekeeping(dataSource, "h2", new MemorySize(BigInteger.valueOf(512 * 1024)));
        try (Connection connection = dataSource.getConnection()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TABLE entry (sequence BIGINT PRIMARY KEY, body VARCHAR(10000) NOT NULL)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO entry VALUES (?, ?)")) {
                for (int i = 1; i <= COMMITS; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, "x".repeat(500) + i);
                    insert.executeUpdate();
                    if (housekeeping && i % 100 == 0) {
                        rounds.housekeeping();
                    }
                }
            }
            try (Statement checkpoint = connection.createStatement()) {
                checkpoint.execute("CHECKPOINT SYNC");
            }
            try {
                return Files.size(dir.resolve("db.mv.db"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why the log writer flushes the embedded store itself: H2 writes each commit to its file and leaves it in
 * the operating system's cache, which a crash of the machine loses. The database's file goes through a
 * file system that counts the flushes ({@code FileChannel.force}) reaching the disk.
 */
class H2FlushTest {
    private static final AtomicInteger FORCES = new AtomicInteger();

    @BeforeAll
    static void countFlushes() {
        FilePath.register(new CountingPath());
    }

    @Test
    void h2CommitsDoNotReachTheDiskUntilTheStoreIsFlushed(@TempDir Path dir) throws SQLException, IOException {
        JdbcDataSource dataSource = new JdbcDataSource();
        // As the service's URL: every commit is written to the file before it returns.
        dataSource.setURL("jdbc:h2:forcecount:file:" + dir.resolve("db") + ";WRITE_DELAY=0");
        try (Connection connection = dataSource.getConnection()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TABLE entry (sequence BIGINT PRIMARY KEY, body VARCHAR(1000) NOT NULL)");
            }
            FORCES.set(0);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO entry VALUES (?, ?)")) {
                for (int i = 1; i <= 50; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, "entry " + i);
                    insert.executeUpdate();
                }
            }
            assertEquals(0, FORCES.get(), "H2 flushed a commit to the disk by itself");

            // The decision log's own way to the disk.
            new H2Disk().flush(H2Stores.of(connection));
            assertTrue(FORCES.get() >= 1, "the log's flush did not reach the disk");
        }
    }

    @Test
    void theLogsFlushReachesTheDiskAfterH2sOwnChannelWasClosedUnderTheStore(@TempDir Path dir) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:forcecount:file:" + dir.resolve("db") + ";WRITE_DELAY=0");
        H2_CHANNELS.clear();
        Connection connection = dataSource.getConnection();
        try {
            try (Statement sql = connection.createStatement()) {
                sql.execute("CREATE TABLE entry (sequence BIGINT PRIMARY KEY)");
                sql.execute("INSERT INTO entry VALUES (1)");
            }
            MVStore store = H2Stores.of(connection);
            // As when a thread is interrupted in the middle of H2's I/O: its channel closes, the store stays open.
            FileChannel h2Channel = H2_CHANNELS.stream().filter(FileChannel::isOpen).findFirst().orElseThrow();
            h2Channel.close();
            FORCES.set(0);
            store.sync();
            assertEquals(0, FORCES.get(), "H2's own flush reached the disk through a closed channel: H2 changed");

            new H2Disk().flush(store);
            assertEquals(1, FORCES.get(), "the log's flush did not reach the disk");
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                // H2 cannot write its closing state through the channel closed above.
            }
        }
    }

    /** The channels H2 opened for writing through {@code forcecount:}. */
    private static final List<FileChannel> H2_CHANNELS = new CopyOnWriteArrayList<>();

    /** {@code forcecount:}: the default file system, counting the flushes of every file opened through it. */
    public static final class CountingPath extends FilePathWrapper {
        @Override
        public String getScheme() {
            return "forcecount";
        }

        @Override
        public FileChannel open(String mode) throws IOException {
            FileChannel channel = new CountingChannel(getBase().open(mode));
            if (mode.contains("w")) {
                H2_CHANNELS.add(channel);
            }
            return channel;
        }
    }

    private static final class CountingChannel extends FileBase {
        private final FileChannel base;

        CountingChannel(FileChannel base) {
            this.base = base;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            base.force(metaData);
            FORCES.incrementAndGet();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public synchronized int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return base.write(src);
        }

        @Override
        public synchronized int write(ByteBuffer src, long position) throws IOException {
            return base.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}

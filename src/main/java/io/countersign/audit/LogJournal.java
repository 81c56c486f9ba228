package io.countersign.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The embedded H2 log's journal: a file of fixed size, written from its start, into which the writer appends
 * each batch of entries and flushes it ({@code fdatasync}) before their callers are answered. The entries
 * reach H2's tables later, many batches in one commit, and the journal starts again from its beginning once
 * H2's file holds them all and has itself been flushed. So a decision costs one small sequential write
 * and one flush of a file whose size never changes, instead of an H2 commit that rewrites its tables' pages
 * and a flush of a file that grows.
 *
 * A record is {@code magic, payload length, CRC-32C of the payload, payload}; the payload holds the entry as
 * the log_entry row stores it. Reading stops at the first record that is torn (its flush never returned, so
 * its caller was never answered), damaged, or not the successor of the one before: the records of an
 * earlier round, which the current one has not yet overwritten, hold lower sequence numbers. One writer
 * thread uses it; it is not thread-safe.
 */
final class LogJournal implements Closeable {
    /** One entry as journaled: the log_entry row's values, hashes as lower-case hex. */
    record Entry(long sequence, Instant recordedAt, String kind, byte[] body, String prevHash, String hash, String decisionId) {
        /** The values in the order of the log writer's insert into log_entry. */
        Object[] row() {
            return new Object[] { sequence, recordedAt, kind, body, prevHash, hash, decisionId };
        }
    }

    /** How an append is flushed to the disk: {@code fdatasync} ({@link H2Disk#force}), or a test's disk. */
    @FunctionalInterface
    interface Force {
        void force(FileChannel channel) throws IOException;
    }

    static final int MAGIC = 0x43534a31; // "CSJ1"
    private static final int HEADER = 12;
    private static final int HASH = 32;
    /** Bodies are at most a few KB (requests are limited to 64 KiB); a longer length is damage, not a record. */
    private static final int MAX_PAYLOAD = 16 << 20;
    private static final int ZEROS = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long capacity;
    private long position;

    private LogJournal(Path file, FileChannel channel, long capacity) {
        this.file = file;
        this.channel = channel;
        this.capacity = capacity;
    }

    /**
     * Opens {@code file}, creating it filled with zeros up to {@code capacity} bytes (flushed, and its directory),
     * so that no append changes its size or its blocks. Appends start at the beginning: {@link #read()} it first.
     */
    static LogJournal open(Path file, long capacity) throws IOException {
        if (capacity < ZEROS) {
            throw new IllegalArgumentException("the journal must hold at least 1 MiB, not " + capacity + " bytes");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size < capacity) {
                ByteBuffer zeros = ByteBuffer.allocate(ZEROS);
                for (long at = size; at < capacity; at += ZEROS) {
                    zeros.clear().limit((int) Math.min(ZEROS, capacity - at));
                    while (zeros.hasRemaining()) {
                        channel.write(zeros, at + zeros.position());
                    }
                }
                channel.force(true);
            }
            // The file's name in its directory is durable too, whether it was created now or by a start that crashed.
            if (file.toAbsolutePath().getParent() != null) {
                try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                    directory.force(true);
                }
            }
            return new LogJournal(file, channel, Math.max(capacity, size));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /**
     * The records from the beginning, in order, up to the first that is torn, damaged or does not follow the
     * one before it by sequence. Leaves the next append at the beginning.
     */
    List<Entry> read() throws IOException {
        List<Entry> entries = new ArrayList<>();
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        long at = 0;
        while (at + HEADER <= capacity) {
            header.clear();
            readFully(header, at);
            header.flip();
            int magic = header.getInt();
            int length = header.getInt();
            int crc = header.getInt();
            if (magic != MAGIC || length < 0 || length > MAX_PAYLOAD || at + HEADER + length > capacity) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, at + HEADER);
            CRC32C check = new CRC32C();
            check.update(payload.array(), 0, length);
            if ((int) check.getValue() != crc) {
                break;
            }
            Entry entry;
            try {
                entry = decode(payload.flip());
            } catch (RuntimeException e) {
                break;
            }
            if (!entries.isEmpty() && entry.sequence() != entries.get(entries.size() - 1).sequence() + 1) {
                break;
            }
            entries.add(entry);
            at += HEADER + length;
        }
        position = 0;
        return entries;
    }

    private void readFully(ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, at + into.position()) < 0) {
                // The file ends early: zeros, as far as a record is concerned.
                while (into.hasRemaining()) {
                    into.put((byte) 0);
                }
            }
        }
    }

    /** The bytes {@code entries} take in the journal. */
    static long size(List<Entry> entries) {
        long size = 0;
        for (Entry entry : entries) {
            size += HEADER + payloadLength(entry);
        }
        return size;
    }

    /** Whether {@code bytes} more fit before the end of the file. */
    boolean fits(long bytes) {
        return position + bytes <= capacity;
    }

    /** The bytes appended since the journal was opened, read or {@link #restart() restarted}. */
    long written() {
        return position;
    }

    /**
     * Writes {@code entries} after the last append and flushes them to the disk with {@code force}; returns once
     * they are durable. Throws {@link IllegalStateException} when they do not {@link #fits(long) fit}.
     */
    void append(List<Entry> entries, Force force) throws IOException {
        long size = size(entries);
        if (!fits(size)) {
            throw new IllegalStateException("the journal is full: " + size + " bytes do not fit after " + position + " of " + capacity);
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        for (Entry entry : entries) {
            encode(entry, out);
        }
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out, position + out.position());
        }
        force.force(channel);
        position += size;
    }

    /**
     * Starts again from the beginning: every entry appended so far is durable elsewhere (in H2's flushed file).
     * What the next round does not overwrite is told apart by its lower sequence numbers.
     */
    void restart() {
        position = 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static int payloadLength(Entry entry) {
        return 8 + 8 + 4 + HASH + HASH + 2 + utf8(entry.kind()).length + 2
                + (entry.decisionId() == null ? 0 : utf8(entry.decisionId()).length) + 4 + entry.body().length;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void encode(Entry entry, ByteBuffer out) {
        int start = out.position();
        int length = payloadLength(entry);
        out.putInt(MAGIC).putInt(length).putInt(0);
        int payload = out.position();
        out.putLong(entry.sequence());
        out.putLong(entry.recordedAt().getEpochSecond()).putInt(entry.recordedAt().getNano());
        out.put(HexFormat.of().parseHex(entry.prevHash())).put(HexFormat.of().parseHex(entry.hash()));
        byte[] kind = utf8(entry.kind());
        out.putShort((short) kind.length).put(kind);
        if (entry.decisionId() == null) {
            out.putShort((short) -1);
        } else {
            byte[] id = utf8(entry.decisionId());
            out.putShort((short) id.length).put(id);
        }
        out.putInt(entry.body().length).put(entry.body());
        CRC32C crc = new CRC32C();
        crc.update(out.array(), payload, length);
        out.putInt(start + 8, (int) crc.getValue());
    }

    private static Entry decode(ByteBuffer in) {
        long sequence = in.getLong();
        Instant recordedAt = Instant.ofEpochSecond(in.getLong(), in.getInt());
        byte[] prev = new byte[HASH];
        byte[] hash = new byte[HASH];
        in.get(prev).get(hash);
        byte[] kind = new byte[in.getShort()];
        in.get(kind);
        short idLength = in.getShort();
        String decisionId = null;
        if (idLength >= 0) {
            byte[] id = new byte[idLength];
            in.get(id);
            decisionId = new String(id, StandardCharsets.UTF_8);
        }
        byte[] body = new byte[in.getInt()];
        in.get(body);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("bytes after the body");
        }
        return new Entry(sequence, recordedAt, new String(kind, StandardCharsets.UTF_8), body, HexFormat.of().formatHex(prev),
                HexFormat.of().formatHex(hash), decisionId);
    }
}

package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogJournalTest {
    private static final long SIZE = 1 << 20;
    static final LogJournal.Force FORCE = channel -> channel.force(false);

    /** A chain of {@code count} entries after sequence {@code after} (hash {@code previous}). */
    static List<LogJournal.Entry> chain(long after, String previous, int count) {
        List<LogJournal.Entry> entries = new ArrayList<>();
        byte[] prev = HexFormat.of().parseHex(previous);
        for (long sequence = after + 1; sequence <= after + count; sequence++) {
            byte[] body = ("{\"entry\":{\"n\":" + sequence + "},\"kind\":\"decision\"}").getBytes(StandardCharsets.UTF_8);
            byte[] hash = HashChain.link(prev, body);
            entries.add(new LogJournal.Entry(sequence, Instant.parse("2026-12-07T10:00:00.123456Z").plusSeconds(sequence), "decision",
                    body, HexFormat.of().formatHex(prev), HexFormat.of().formatHex(hash), sequence % 2 == 0 ? "d-" + sequence : null));
            prev = hash;
        }
        return entries;
    }

    static final String GENESIS = HexFormat.of().formatHex(HashChain.GENESIS);

    @Test
    void whatIsAppendedIsReadBackAfterAReopenAndTheFileNeverChangesSize(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("j");
        List<LogJournal.Entry> entries = chain(0, GENESIS, 5);
        try (LogJournal journal = LogJournal.open(file, SIZE)) {
            assertEquals(SIZE, Files.size(file));
            journal.read();
            journal.append(entries.subList(0, 2), FORCE);
            journal.append(entries.subList(2, 5), FORCE);
            assertEquals(LogJournal.size(entries), journal.written());
        }
        assertEquals(SIZE, Files.size(file));
        try (LogJournal journal = LogJournal.open(file, SIZE)) {
            List<LogJournal.Entry> read = journal.read();
            assertEquals(5, read.size());
            for (int i = 0; i < 5; i++) {
                assertSame(entries.get(i), read.get(i));
            }
            assertEquals(0, journal.written(), "appends start from the beginning after a read");
        }
    }

    @Test
    void aTornOrDamagedRecordEndsWhatIsRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("j");
        List<LogJournal.Entry> entries = chain(0, GENESIS, 4);
        try (LogJournal journal = LogJournal.open(file, SIZE)) {
            journal.append(entries, FORCE);
        }
        long third = LogJournal.size(entries.subList(0, 2));
        // One byte of the third record's body changed: its CRC no longer matches, and the fourth is not read either.
        long bodyByte = third + LogJournal.size(entries.subList(2, 3)) - 3;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] { 'X' }), bodyByte);
        }
        try (LogJournal journal = LogJournal.open(file, SIZE)) {
            List<LogJournal.Entry> read = journal.read();
            assertEquals(List.of(1L, 2L), read.stream().map(LogJournal.Entry::sequence).toList());
        }
        // A record cut short (zeros where its end should be), as a write that never completed leaves it.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(40), LogJournal.size(entries.subList(0, 1)) + 20);
        }
        try (LogJournal journal = LogJournal.open(file, SIZE)) {
            assertEquals(List.of(1L), journal.read().stream().map(LogJournal.Entry::sequence).toList());
        }
    }

    @Test
    void afterARestartTheEarlierRoundsRecordsAreNotRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("j");
        List<LogJournal.Entry> entries = chain(0, GENESIS, 30);
        try (LogJournal journal = LogJournal.open(file, SIZE)) {
            journal.append(entries.subList(0, 20), FORCE);
            journal.restart();
            // The second round is shorter: records 5..20 of the first stay in the file behind it.
            journal.append(entries.subList(20, 23), FORCE);
        }
        try (LogJournal journal = LogJournal.open(file, SIZE)) {
            assertEquals(List.of(21L, 22L, 23L), journal.read().stream().map(LogJournal.Entry::sequence).toList());
        }
    }

    @Test
    void aFullJournalRefusesWhatDoesNotFit(@TempDir Path dir) throws IOException {
        try (LogJournal journal = LogJournal.open(dir.resolve("j"), SIZE)) {
            List<LogJournal.Entry> entries = chain(0, GENESIS, 20_000);
            int next = 0;
            while (journal.fits(LogJournal.size(entries.subList(next, next + 1)))) {
                journal.append(entries.subList(next, next + 1), FORCE);
                next++;
            }
            assertTrue(next > 1000 && journal.written() <= SIZE, next + " records in " + journal.written() + " bytes");
            List<LogJournal.Entry> last = entries.subList(next, next + 1);
            assertThrows(IllegalStateException.class, () -> journal.append(last, FORCE));
            journal.restart();
            assertTrue(journal.fits(LogJournal.size(last)));
        }
    }

    @Test
    void aSmallerFileIsFilledUpToTheSize(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("j");
        Files.write(file, new byte[100]);
        try (LogJournal journal = LogJournal.open(file, 2 * SIZE)) {
            assertTrue(journal.read().isEmpty());
        }
        assertEquals(2 * SIZE, Files.size(file));
        assertThrows(IllegalArgumentException.class, () -> LogJournal.open(dir.resolve("k"), 1000));
    }

    private static void assertSame(LogJournal.Entry expected, LogJournal.Entry actual) {
        assertEquals(expected.sequence(), actual.sequence());
        assertEquals(expected.recordedAt(), actual.recordedAt());
        assertEquals(expected.kind(), actual.kind());
        assertArrayEquals(expected.body(), actual.body());
        assertEquals(expected.prevHash(), actual.prevHash());
        assertEquals(expected.hash(), actual.hash());
        assertEquals(expected.decisionId(), actual.decisionId());
    }
}

package io.countersign.audit;

import static io.countersign.audit.LogJournalTest.GENESIS;
import static io.countersign.audit.LogJournalTest.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2JournalTest {
    /** The database's side: the entries applied, in order, checked to continue the chain. */
    static final class Tables implements H2Journal.Apply {
        final List<LogJournal.Entry> rows = new ArrayList<>();
        volatile boolean refusing;
        volatile CountDownLatch hold = new CountDownLatch(0);
        volatile String broken;
        int commits;

        @Override
        public synchronized void apply(List<LogJournal.Entry> entries) throws Exception {
            hold.await();
            if (refusing) {
                throw new IllegalStateException("the database refuses");
            }
            for (LogJournal.Entry entry : entries) {
                if (entry.sequence() > head().sequence()) {
                    // Refused as the database would (an exception, tried again), not an assertion that ends the applier.
                    if (entry.sequence() != head().sequence() + 1 || !entry.prevHash().equals(head().hash())) {
                        broken = "entry " + entry.sequence() + " applied after " + head().sequence();
                        throw new IllegalStateException(broken);
                    }
                    rows.add(entry);
                }
            }
            commits++;
        }

        synchronized LogReader.Head head() {
            return rows.isEmpty() ? new LogReader.Head(0, GENESIS)
                    : new LogReader.Head(rows.get(rows.size() - 1).sequence(), rows.get(rows.size() - 1).hash());
        }

        synchronized int size() {
            return rows.size();
        }
    }

    private static final H2Journal.Settings SMALL = new H2Journal.Settings(1 << 20, Duration.ofMillis(20), 100_000);

    @Test
    void entriesAreAppliedSoonAndAReaderWaitsForThoseJournaledBeforeIt(@TempDir Path dir) throws Exception {
        Tables tables = new Tables();
        H2Journal journal = H2Journal.open(H2Journal.files(dir.resolve("db.mv.db")), tables.head(), tables, LogJournalTest.FORCE,
                new H2Journal.Settings(1 << 20, Duration.ofHours(1), 100_000), Duration.ofSeconds(5));
        try {
            List<LogJournal.Entry> entries = chain(0, GENESIS, 10);
            // A wait with nothing to apply (the writer before a batch with rows) leaves the next entries to the schedule.
            journal.drain();
            journal.append(entries.subList(0, 4));
            journal.append(entries.subList(4, 10));
            assertEquals(10, journal.head().sequence());
            // The applier waits an hour for more, unless a reader asks.
            Thread.sleep(50);
            assertEquals(0, tables.size());
            assertEquals(10, journal.behind());
            journal.catchUp();
            assertEquals(10, tables.size());
            assertEquals(0, journal.behind());
        } finally {
            journal.close();
        }
    }

    @Test
    void theWriterTakesTurnsBetweenTheFilesAndARestartAppliesWhatWasNotApplied(@TempDir Path dir) throws Exception {
        Path[] files = H2Journal.files(dir.resolve("db.mv.db"));
        Tables tables = new Tables();
        H2Journal journal = H2Journal.open(files, tables.head(), tables, LogJournalTest.FORCE, SMALL, Duration.ofSeconds(5));
        List<LogJournal.Entry> entries = chain(0, GENESIS, 30_000);
        // Far more than both files hold (about 9,000 records each): each is started again once applied.
        appendInBatches(journal, entries.subList(0, 20_000));
        journal.catchUp();
        assertEquals(20_000, tables.size());
        // The database stops taking entries: what is journaled now lives only in the journal.
        tables.hold = new CountDownLatch(1);
        appendInBatches(journal, entries.subList(20_000, 21_000));
        // A crash: the service goes without applying (the held applier is abandoned).
        restart(files, journal, tables, List.copyOf(tables.rows), (after, reopened) -> {
            assertEquals(21_000, after.size(), "every journaled entry is in the tables after the restart");
            assertEquals(21_000, reopened.head().sequence());
            reopened.append(entries.subList(21_000, 21_010));
            reopened.catchUp();
            assertEquals(21_010, after.size());
        });
    }

    @Test
    void entriesJournaledAfterABatchCommittedWithItsRowsAreAppliedAfterARestart(@TempDir Path dir) throws Exception {
        Path[] files = H2Journal.files(dir.resolve("db.mv.db"));
        Tables tables = new Tables();
        H2Journal journal = H2Journal.open(files, tables.head(), tables, LogJournalTest.FORCE, SMALL, Duration.ofSeconds(5));
        List<LogJournal.Entry> entries = chain(0, GENESIS, 30);
        journal.append(entries.subList(0, 10));
        // The writer's batch with rows: drained, then entry 11 committed to the tables with its rows and flushed.
        journal.drain();
        tables.apply(entries.subList(10, 11));
        journal.committed(new LogReader.Head(11, entries.get(10).hash()));
        tables.hold = new CountDownLatch(1);
        journal.append(entries.subList(11, 20));
        // A crash before the applier put 12 to 20 into the tables.
        restart(files, journal, tables, entries.subList(0, 11), (after, reopened) -> {
            assertEquals(20, after.size(), "the entries journaled after the committed batch were lost");
            assertEquals(20, reopened.head().sequence());
        });
    }

    /** Appends {@code entries} as the writer would, 25 to a batch. */
    private static void appendInBatches(H2Journal journal, List<LogJournal.Entry> entries) throws Exception {
        for (int from = 0; from < entries.size(); from += 25) {
            journal.append(entries.subList(from, Math.min(entries.size(), from + 25)));
        }
    }

    /** What a restart is checked for: the tables it completed, and its journal. */
    @FunctionalInterface
    interface AfterRestart {
        void check(Tables after, H2Journal reopened) throws Exception;
    }

    /**
     * A crash of {@code journal}, whose applier {@code crashed} holds, then a start on the same files over tables
     * holding {@code applied}; {@code check} looks at the result. Neither side saw an entry out of order.
     */
    private static void restart(Path[] files, H2Journal journal, Tables crashed, List<LogJournal.Entry> applied,
            AfterRestart check) throws Exception {
        Tables after = new Tables();
        after.rows.addAll(applied);
        H2Journal reopened = H2Journal.open(files, after.head(), after, LogJournalTest.FORCE, SMALL, Duration.ofSeconds(5));
        try {
            check.check(after, reopened);
        } finally {
            reopened.close();
            crashed.hold.countDown();
            journal.close();
        }
        assertEquals(null, crashed.broken);
        assertEquals(null, after.broken);
    }

    @Test
    void aJournalThatDoesNotContinueTheChainStopsTheStart(@TempDir Path dir) throws Exception {
        Path[] files = H2Journal.files(dir.resolve("db.mv.db"));
        List<LogJournal.Entry> entries = chain(0, GENESIS, 10);
        try (LogJournal file = LogJournal.open(files[0], 1 << 20)) {
            file.append(entries.subList(5, 10), LogJournalTest.FORCE);
        }
        Tables tables = new Tables();
        tables.rows.addAll(entries.subList(0, 3));
        IllegalStateException gap = assertThrows(IllegalStateException.class,
                () -> H2Journal.open(files, tables.head(), tables, LogJournalTest.FORCE, SMALL, Duration.ofSeconds(5)));
        assertTrue(gap.getMessage().contains("holds sequence 6 where 4 comes next"), gap.getMessage());
        assertEquals(3, tables.size(), "nothing applied");

        List<LogJournal.Entry> other = chain(3, GENESIS, 1);
        IllegalStateException link = assertThrows(IllegalStateException.class, () -> H2Journal.replay(
                List.of(other), tables.head(), files));
        assertTrue(link.getMessage().contains("holds sequence 4 linked to " + GENESIS), link.getMessage());

        LogJournal.Entry good = chain(3, tables.head().hash(), 1).get(0);
        LogJournal.Entry forged = new LogJournal.Entry(4, good.recordedAt(), good.kind(), "{}".getBytes(), good.prevHash(), good.hash(), null);
        IllegalStateException hash = assertThrows(IllegalStateException.class, () -> H2Journal.replay(
                List.of(List.of(forged)), tables.head(), files));
        assertTrue(hash.getMessage().contains("hash does not match its body"), hash.getMessage());
        assertEquals(List.of(good), H2Journal.replay(List.of(List.of(good), entries.subList(0, 3)), tables.head(), files));
    }

    @Test
    void aRefusedApplyIsTriedAgainAndAReaderIsToldTheLogIsUnavailable(@TempDir Path dir) throws Exception {
        Tables tables = new Tables();
        tables.refusing = true;
        H2Journal journal = H2Journal.open(H2Journal.files(dir.resolve("db.mv.db")), tables.head(), tables, LogJournalTest.FORCE, SMALL,
                Duration.ofMillis(300));
        try {
            journal.append(chain(0, GENESIS, 3));
            LogUnavailableException late = assertThrows(LogUnavailableException.class, journal::catchUp);
            assertTrue(late.getMessage().contains("could not be put into the database"), late.getMessage());
            assertFalse(journal.healthy());
            tables.refusing = false;
            AtomicBoolean caught = new AtomicBoolean();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!caught.get() && System.nanoTime() < deadline) {
                try {
                    journal.catchUp();
                    caught.set(true);
                } catch (LogUnavailableException e) {
                    // tried again within a second
                }
            }
            assertTrue(caught.get());
            assertEquals(3, tables.size());
            assertTrue(journal.healthy());
        } finally {
            journal.close();
        }
    }
}

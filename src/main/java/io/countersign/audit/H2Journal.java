package io.countersign.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * The embedded H2 log's way to the disk when one writer appends: each batch of plain entries is made durable
 * in a {@link LogJournal} (one small write and one {@code fdatasync}), its callers are answered, and an
 * applier thread puts the entries into H2's tables later, many batches in one commit followed by one flush
 * of H2's file. Two journal files take turns: the writer moves to the other once every entry in it is
 * applied, and starts it again from its beginning. A restart replays what the journals hold beyond H2's
 * chain head, so every answered entry reaches the tables.
 *
 * Readers of the log first {@link #catchUp() catch up}: they wait until the entries journaled before they
 * asked are in H2. A batch that changes rows (a new approval request, a vote, an idempotency key) does not
 * use the journal: the writer first {@link #drain() drains} the applier, then commits the entries with their
 * rows, moves the head and flushes H2's file, as the log does without a journal.
 *
 * The writer's methods ({@link #head()}, {@link #append}, {@link #drain()}, {@link #committed}) are called by
 * the one writer thread only.
 */
final class H2Journal {
    private static final Logger LOG = Logger.getLogger(H2Journal.class);

    /** Puts entries into H2's tables, moves the chain head to the last, commits, and flushes H2's file. */
    @FunctionalInterface
    interface Apply {
        void apply(List<LogJournal.Entry> entries) throws Exception;
    }

    /** Journal settings: each file's size, and when the applier commits what was handed to it. */
    record Settings(long fileSize, Duration applyAfter, int applyEntries) {
    }

    private final LogJournal[] files;
    /** The last sequence written into each file since it was started again (0: nothing). */
    private final long[] lastIn = new long[2];
    private int active;
    private final Apply apply;
    private final LogJournal.Force force;
    private final Settings settings;
    private final Duration wait;
    /** Bytes written into the active file after which the writer moves to the other as soon as it is applied. */
    private final long turnAt;

    /** The writer's chain head: the last entry journaled or committed. */
    private LogReader.Head head;

    // Guarded by this.
    private final List<LogJournal.Entry> handed = new ArrayList<>();
    private long handedSince;
    /** The last sequence a reader or the writer waits for: handed entries up to it are applied at once. */
    private long urgentThrough;
    private boolean stopping;
    private volatile Thread applier;
    private volatile long journaledThrough;
    private volatile long appliedThrough;
    private volatile boolean applyFailing;
    /** {@link System#nanoTime()} when the running apply began; 0 while none runs. */
    private volatile long applyStarted;

    private H2Journal(LogJournal[] files, Apply apply, LogJournal.Force force, Settings settings, Duration wait, LogReader.Head head) {
        this.files = files;
        this.apply = apply;
        this.force = force;
        this.settings = settings;
        this.wait = wait;
        this.turnAt = settings.fileSize() / 4;
        this.head = head;
        this.journaledThrough = head.sequence();
        this.appliedThrough = head.sequence();
    }

    /** The two journal files beside an H2 database file. */
    static Path[] files(Path database) {
        String name = database.getFileName().toString();
        return new Path[] { database.resolveSibling(name + ".journal.0"), database.resolveSibling(name + ".journal.1") };
    }

    /**
     * Opens (or creates) the journals, applies what they hold beyond {@code head} (the chain head in H2's
     * tables), and starts the applier. Fails, leaving the journals as they were, when what they hold does not
     * continue the chain from {@code head}: an answered entry would otherwise be missing from the log.
     */
    static H2Journal open(Path[] paths, LogReader.Head head, Apply apply, LogJournal.Force force, Settings settings, Duration wait)
            throws Exception {
        LogJournal[] files = new LogJournal[2];
        try {
            List<List<LogJournal.Entry>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                files[i] = LogJournal.open(paths[i], settings.fileSize());
                runs.add(files[i].read());
            }
            List<LogJournal.Entry> replay = replay(runs, head, paths);
            if (!replay.isEmpty()) {
                // In commits of at most applyEntries, so that no one commit outlasts its timeout.
                for (int from = 0; from < replay.size(); from += settings.applyEntries()) {
                    apply.apply(replay.subList(from, Math.min(replay.size(), from + settings.applyEntries())));
                }
                LogJournal.Entry last = replay.get(replay.size() - 1);
                LOG.infof("decision log: %d journaled entries (sequence %d to %d) put into the database at start",
                        replay.size(), replay.get(0).sequence(), last.sequence());
                head = new LogReader.Head(last.sequence(), last.hash());
            }
            H2Journal journal = new H2Journal(files, apply, force, settings, wait, head);
            journal.applier = new Thread(journal::applyLoop, "cs-log-applier");
            journal.applier.setDaemon(true);
            journal.applier.start();
            return journal;
        } catch (Exception | Error e) {
            for (LogJournal file : files) {
                if (file != null) {
                    file.close();
                }
            }
            throw e;
        }
    }

    /**
     * The entries of {@code runs} (each file's records, in order) after {@code head}, checked to continue the
     * chain from it: sequence by sequence, each hash the link of the one before and its body.
     */
    static List<LogJournal.Entry> replay(List<List<LogJournal.Entry>> runs, LogReader.Head head, Path[] paths) {
        List<LogJournal.Entry> after = new ArrayList<>();
        for (List<LogJournal.Entry> run : runs) {
            run.stream().filter(e -> e.sequence() > head.sequence()).forEach(after::add);
        }
        after.sort(Comparator.comparingLong(LogJournal.Entry::sequence));
        long expected = head.sequence() + 1;
        String previous = head.hash();
        for (LogJournal.Entry entry : after) {
            String problem = null;
            if (entry.sequence() != expected) {
                problem = "holds sequence " + entry.sequence() + " where " + expected + " comes next";
            } else if (!entry.prevHash().equals(previous)) {
                problem = "holds sequence " + entry.sequence() + " linked to " + entry.prevHash() + ", not to " + previous;
            } else if (!HexFormat.of().formatHex(HashChain.link(HexFormat.of().parseHex(previous), entry.body())).equals(entry.hash())) {
                problem = "holds sequence " + entry.sequence() + " whose hash does not match its body";
            }
            if (problem != null) {
                throw new IllegalStateException("the decision log's journal (" + paths[0] + ", " + paths[1] + ") " + problem
                        + " after the chain head " + head.sequence() + " in the database: the log cannot be completed from it."
                        + " Nothing was changed; keep both files for the investigation");
            }
            expected++;
            previous = entry.hash();
        }
        return after;
    }

    /** Whether {@code entries} are few enough for one file: at most half of it. */
    boolean takes(List<LogJournal.Entry> entries) {
        return LogJournal.size(entries) <= settings.fileSize() / 2;
    }

    LogReader.Head head() {
        return head;
    }

    /**
     * Makes {@code entries} (the next in the chain) durable in the journal and hands them to the applier.
     * Moves to the other file once it is applied; waits for the applier when neither has room.
     */
    void append(List<LogJournal.Entry> entries) throws IOException, InterruptedException {
        long size = LogJournal.size(entries);
        LogJournal file = files[active];
        int other = 1 - active;
        if (!file.fits(size) || file.written() >= turnAt) {
            if (!file.fits(size)) {
                // Neither file has room: the applier must first put the other's entries into H2.
                awaitApplied(lastIn[other]);
            }
            if (appliedThrough >= lastIn[other]) {
                files[other].restart();
                lastIn[other] = 0;
                active = other;
                file = files[active];
            }
        }
        file.append(entries, force);
        LogJournal.Entry last = entries.get(entries.size() - 1);
        lastIn[active] = last.sequence();
        head = new LogReader.Head(last.sequence(), last.hash());
        journaledThrough = last.sequence();
        synchronized (this) {
            if (handed.isEmpty()) {
                handedSince = System.nanoTime();
            }
            handed.addAll(entries);
            notifyAll();
        }
    }

    /**
     * Waits until every journaled entry is in H2's tables, before the writer commits a batch with rows (outside any
     * transaction): at most half a caller's wait, so that the batch can still be committed in time after it.
     */
    void drain() throws InterruptedException {
        awaitApplied(journaledThrough, wait.dividedBy(2));
    }

    /**
     * The writer committed and flushed a batch with rows, whose entries end at {@code last}: it is the head,
     * and with it every entry is in H2, so both files may start again.
     */
    void committed(LogReader.Head last) {
        head = last;
        // Both files start again: what they hold is in H2's flushed file, and an entry journaled next must not
        // follow one that is not its predecessor, or a restart would not read it.
        for (int i = 0; i < 2; i++) {
            files[i].restart();
            lastIn[i] = 0;
        }
        synchronized (this) {
            journaledThrough = last.sequence();
            appliedThrough = last.sequence();
            notifyAll();
        }
    }

    /**
     * Waits until the entries journaled so far are in H2's tables, so that a read of the log sees every entry
     * whose caller was answered before it began. Returns at once when nothing waits to be applied.
     */
    void catchUp() {
        long target = journaledThrough;
        if (appliedThrough >= target) {
            return;
        }
        try {
            awaitApplied(target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogUnavailableException("interrupted while the log's journal was applied", e);
        }
    }

    private void awaitApplied(long target) throws InterruptedException {
        awaitApplied(target, wait);
    }

    private void awaitApplied(long target, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (this) {
            if (appliedThrough >= target) {
                return;
            }
            urgentThrough = Math.max(urgentThrough, target);
            notifyAll();
            while (appliedThrough < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopping && applier == null) {
                    throw new LogUnavailableException("the log's journaled entries could not be put into the database in time"
                            + (applyFailing ? " (the database refuses them: see the service log)" : ""), null);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** Whether the applier runs, its last commit went through, and none has been running for longer than a reader waits. */
    boolean healthy() {
        long started = applyStarted;
        return applier != null && applier.isAlive() && !applyFailing && (started == 0 || System.nanoTime() - started < wait.toNanos());
    }

    /** The number of entries journaled and not yet in H2's tables. */
    long behind() {
        return journaledThrough - appliedThrough;
    }

    private void applyLoop() {
        List<LogJournal.Entry> taking = new ArrayList<>();
        while (true) {
            synchronized (this) {
                try {
                    while (!due()) {
                        if (stopping && handed.isEmpty()) {
                            return;
                        }
                        long left = handed.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(200)
                                : handedSince + settings.applyAfter().toNanos() - System.nanoTime();
                        TimeUnit.NANOSECONDS.timedWait(this, Math.max(left, 1));
                    }
                } catch (InterruptedException e) {
                    // Only close() ends the applier; another interrupt (a transaction timing out) is not a stop.
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                taking.addAll(handed);
                handed.clear();
            }
            try {
                applyStarted = System.nanoTime();
                apply.apply(taking);
                applyStarted = 0;
                applyFailing = false;
                synchronized (this) {
                    appliedThrough = taking.get(taking.size() - 1).sequence();
                    notifyAll();
                }
                taking.clear();
            } catch (Exception | Error e) {
                applyStarted = 0;
                if (!applyFailing) {
                    LOG.errorf("decision log: %d journaled entries could not be put into the database (they stay in the journal and are "
                            + "tried again): %s", taking.size(), e.getMessage());
                }
                applyFailing = true;
                synchronized (this) {
                    // Back in front of what came since, in order, for the next try.
                    handed.addAll(0, taking);
                    handedSince = System.nanoTime();
                    taking.clear();
                    // A second before the next try, whoever waits meanwhile: readers' wake-ups do not hasten it.
                    long retry = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    try {
                        for (long left; (left = retry - System.nanoTime()) > 0;) {
                            TimeUnit.NANOSECONDS.timedWait(this, left);
                        }
                    } catch (InterruptedException interrupted) {
                        if (stopping) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /** Whether the applier should commit what was handed to it now. Holds this. */
    private boolean due() {
        return !handed.isEmpty() && (handed.get(0).sequence() <= urgentThrough || stopping || handed.size() >= settings.applyEntries()
                || System.nanoTime() - handedSince >= settings.applyAfter().toNanos());
    }

    /**
     * Stops the applier once it has applied everything handed to it (within {@code wait}), then closes the
     * journals. What it could not apply stays in them for the next start.
     */
    void close() throws InterruptedException, IOException {
        Thread running;
        synchronized (this) {
            stopping = true;
            notifyAll();
            running = applier;
        }
        if (running != null) {
            running.join(wait.toMillis());
            running.interrupt();
        }
        synchronized (this) {
            applier = null;
            notifyAll();
        }
        for (LogJournal file : files) {
            file.close();
        }
    }
}

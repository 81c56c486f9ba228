package io.countersign.audit;

import static io.countersign.audit.RowInsert.Type.BIGINT;
import static io.countersign.audit.RowInsert.Type.BYTEA;
import static io.countersign.audit.RowInsert.Type.TIMESTAMPTZ;
import static io.countersign.audit.RowInsert.Type.VARCHAR;
import static io.countersign.audit.RowInsert.column;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.mvstore.MVStore;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;

/**
 * The append-only decision log, written with group commit: callers queue entries; a writer thread
 * takes everything queued, locks the chain head row, appends the entries with their rows and moves the
 * head, all in one transaction, then completes every caller at once. Concurrent decisions therefore
 * share one commit and one head update, and an answer is released only after its entry is durable. On
 * PostgreSQL a batch of plain decisions takes two round trips: one locks the head and runs the reads its
 * guards share ({@link BatchQuery}); the other inserts the rows, moves the head and commits. Guards that
 * read more (an approval presented for use, an idempotency key) or change entities (a new request, a
 * vote) add their own, the latter in one flush per table before the inserts.
 *
 * INVARIANT: the chain head row is locked for the whole append, so writers and instances sharing a
 * database build one gap-free chain, and the head is always read from the database, never trusted from
 * memory. With several writers ({@code countersign.log.writers}), each takes its own batches and the
 * lock orders them, exactly as it orders instances. The one exception is embedded H2 with one writer and its
 * journal ({@link H2Journal}): H2's file admits one process, the writer is the only thread that appends, and it
 * keeps the head it journaled or committed last; the journal's applier, the one other thread that moves the
 * head, only ever moves it to an entry the writer has already appended, and the writer drains it before it
 * commits a batch itself.
 */
@ApplicationScoped
public class DecisionLog {
    private static final Logger LOG = Logger.getLogger(DecisionLog.class);

    /** How long the idle writer waits for an entry before it looks at its state (stopping, a failed database). */
    private static final Duration IDLE = Duration.ofMillis(200);

    /** A queued write; {@code queued} is its {@link System#nanoTime()} when it was queued. */
    private record Pending(LogWrite write, CompletableFuture<LogResult> done, long queued) {
    }

    /** A batch committed on embedded H2, its callers waiting for the flush of {@code store} that makes it durable. */
    private record Committed(List<Pending> callers, List<LogResult> results, MVStore store) {
    }

    /** A log_entry row as the writer inserts it; hashes are lower-case hex. */
    private static final RowInsert ENTRY = RowInsert.into("log_entry", column("sequence", BIGINT),
            column("recorded_at", TIMESTAMPTZ), column("kind", VARCHAR), column("body", BYTEA), column("prev_hash", VARCHAR),
            column("hash", VARCHAR), column("decision_id", VARCHAR));

    private static final String LOCK_HEAD = "SELECT sequence, hash FROM chain_head WHERE id = " + ChainHeadRecord.ID + " FOR UPDATE";
    private static final String FLUSH_FAILED = "a flush to the disk failed: the service must be restarted";
    private static final String STOPPING = "the service is stopping";
    private static final String READ_HEAD = "SELECT sequence, hash FROM chain_head WHERE id = " + ChainHeadRecord.ID;
    private static final String FLUSH_FAILED_ADVICE = "decision log: a flush to the disk failed. The disk may have dropped what was written, and a later "
            + "flush would not say so: every decision is refused (503) until the service is restarted. Check "
            + "the disk and the file system, then restart; H2 opens the file at its last complete commit, "
            + "and GET /v1/log/verify checks the chain";
    private static final String MOVE_HEAD = "UPDATE chain_head SET sequence = ?, hash = ? WHERE id = " + ChainHeadRecord.ID;

    private final EntityManager em;
    private final H2Disk disk;
    private final boolean postgresql;
    private final String dbKind;
    /** On embedded H2: flush the store's file to the disk after each commit, before the callers are answered. */
    private final boolean flushH2;
    private final LogConfig config;
    private final WriterQueue<Pending> queue;
    private final DistributionSummary batchSize;
    private final Timer commitTime;
    private final Timer waitTime;
    private final Timer flushTime;
    private volatile boolean running;
    private volatile boolean lastBatchFailed;
    /**
     * Set when a flush to the disk fails, and kept until the service restarts. After a failed {@code fsync}
     * Linux may drop the pages it could not write and report the next {@code fsync} as a success, so no
     * later flush proves that what was committed reached the disk (PostgreSQL stops for the same reason).
     * From then on every append is refused with 503, nothing more is committed, and the service is unready.
     */
    private volatile boolean flushFailed;
    /** {@link System#nanoTime()} when the running flush began; 0 while none runs. */
    private volatile long flushStarted;
    /** Read by other threads ({@link #catchUp()} asks whether it runs on one). */
    private final List<Thread> writers = new CopyOnWriteArrayList<>();
    /**
     * On embedded H2 (with {@link #flushH2}): the batches the writers have committed, in commit order, and the
     * thread that flushes them to the disk and then answers their callers. One flush covers every batch
     * committed before it began, so while it runs the writers go on committing, and the next flush takes all
     * of those at once: the writers do not wait for a disk that keeps up.
     *
     * Bounded by {@link #unflushed}.
     */
    private final BlockingQueue<Committed> committed = new LinkedBlockingQueue<>();
    /**
     * Places for committed batches not yet flushed ({@link #unflushedBatches}): those queued for the flusher and
     * those in the flush that runs, which may be several, as a flush takes every batch committed before it
     * began. A writer takes a place for each batch once it is committed, and waits with it while none is free; the
     * flusher gives the places back once the batches' callers are answered. So behind a disk that hangs the
     * writers stop committing: the entries waiting for the flusher hold no more memory than the queue does, and
     * callers beyond the queue are refused at once, instead of the writers committing, for callers who give up
     * waiting, until the heap runs out.
     */
    private final Semaphore unflushed;
    private Thread flusher;
    private volatile boolean flushing;
    /**
     * On embedded H2 with one writer ({@code countersign.h2.journal}): where the writer makes plain batches
     * durable, and the applier that puts them into H2's tables; null elsewhere.
     */
    private volatile H2Journal journal;
    private final boolean journalWanted;
    private final H2Journal.Settings journalSettings;

    DecisionLog(EntityManager em, H2Disk disk, LogConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.datasource.db-kind") String dbKind,
            @ConfigProperty(name = "countersign.h2.flush-commits", defaultValue = "true") boolean flushH2,
            @ConfigProperty(name = "countersign.h2.journal", defaultValue = "true") boolean journal,
            @ConfigProperty(name = "countersign.h2.journal-size", defaultValue = "16M") MemorySize journalSize,
            @ConfigProperty(name = "countersign.h2.journal-apply-after", defaultValue = "100ms") Duration applyAfter,
            @ConfigProperty(name = "countersign.h2.journal-apply-entries", defaultValue = "4096") int applyEntries,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> url) {
        this.em = em;
        // A database other processes may open too (H2's automatic mixed mode) may see its head moved by them.
        this.journalWanted = journal && !url.orElse("").toUpperCase(Locale.ROOT).contains("AUTO_SERVER=TRUE");
        this.journalSettings = new H2Journal.Settings(journalSize.asLongValue(), applyAfter, applyEntries);
        if (applyEntries < 1) {
            throw new IllegalArgumentException("countersign.h2.journal-apply-entries must be at least 1, not " + applyEntries);
        }
        Gauge.builder("countersign.log.journal.behind", this, DecisionLog::journalBehind)
                .description("Entries made durable in the embedded H2 log's journal and not yet in its tables").register(registry);
        this.disk = disk;
        this.postgresql = "postgresql".equals(dbKind);
        this.dbKind = dbKind;
        this.flushH2 = flushH2 && "h2".equals(dbKind);
        this.config = config;
        if (config.writers() < 1) {
            throw new IllegalArgumentException("countersign.log.writers must be at least 1, not " + config.writers());
        }
        this.queue = new WriterQueue<>(config.queueCapacity());
        this.unflushed = new Semaphore(unflushedBatches(config));
        this.batchSize = DistributionSummary.builder("countersign.log.batch.size")
                .description("Entries committed per transaction").publishPercentiles(0.5, 0.99).register(registry);
        this.commitTime = Timer.builder("countersign.log.commit")
                .description("Time to append and commit one batch").publishPercentiles(0.5, 0.99).register(registry);
        this.waitTime = Timer.builder("countersign.log.wait")
                .description("Time from queueing an entry until its caller is answered (committed, and on embedded H2 flushed to the disk): what a caller waits for the log")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.flushTime = Timer.builder("countersign.log.flush")
                .description("Time to flush a committed batch to the disk (embedded H2, which does not flush at a commit)")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /**
     * How many committed batches may wait for the flusher: as many full batches as the queue holds entries
     * (eight by default), at least one. A flush takes every waiting batch at once, so a disk that keeps up
     * never lets more than one or two wait.
     */
    static int unflushedBatches(LogConfig config) {
        return Math.max(1, config.queueCapacity() / Math.max(1, config.maxBatch()));
    }

    /** Starts before anything that logs at startup (the policy's own load entry). */
    void start(@Observes @Priority(10) StartupEvent event) throws Exception {
        if ("h2".equals(dbKind)) {
            openJournal();
        }
        for (int i = 1; i <= config.writers(); i++) {
            Thread writer = new Thread(this::writeLoop, "cs-log-writer-" + i);
            writer.setDaemon(true);
            writers.add(writer);
        }
        if (flushH2 && journal == null) {
            flusher = new Thread(this::flushLoop, "cs-log-flusher");
            flusher.setDaemon(true);
            flushing = true;
            flusher.start();
        }
        // Set after the list is complete: whoever reads running (health checks) then sees every writer.
        running = true;
        writers.forEach(Thread::start);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        for (Thread writer : writers) {
            writer.join(config.appendTimeout().toMillis());
        }
        H2Journal closing = journal;
        if (closing != null) {
            // Only once the writers have stopped: the applier puts what they journaled into H2's tables. What
            // it cannot stays in the journal, for the next start.
            try {
                closing.close();
            } catch (IOException e) {
                LOG.warnf("decision log: closing the journal: %s", e.getMessage());
            }
        }
        // Only once the writers have stopped: their last batches are flushed and answered first.
        flushing = false;
        if (flusher != null) {
            flusher.join(config.appendTimeout().toMillis());
        }
    }

    /**
     * Queues {@code write}; the future completes once it is committed (or refused by its guard), and
     * fails with {@link LogUnavailableException} when it cannot be written.
     */
    public CompletableFuture<LogResult> append(LogWrite write) {
        CompletableFuture<LogResult> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new LogUnavailableException("the log is not running", null));
        } else if (flushFailed) {
            done.completeExceptionally(new LogUnavailableException(FLUSH_FAILED, null));
        } else if (!queue.offer(new Pending(write, done, System.nanoTime()))) {
            done.completeExceptionally(new LogUnavailableException("too many entries are waiting to be written", null));
        }
        return done.orTimeout(config.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the writer (and on H2 the flusher) runs, its last commit went through, no flush has failed,
     * and no flush has been running for longer than a caller waits.
     */
    public boolean healthy() {
        long started = flushStarted;
        return running && !writers.isEmpty() && writers.stream().allMatch(Thread::isAlive)
                && (flusher == null || flusher.isAlive()) && !lastBatchFailed && !flushFailed
                && (journal == null || journal.healthy())
                && (started == 0 || System.nanoTime() - started < config.appendTimeout().toNanos());
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(config.maxBatch());
        BatchTaker<Pending> taker = new BatchTaker<>(queue, config.maxBatch(), config.gather(), config.gatherPause());
        while (running || !queue.isEmpty()) {
            try {
                taker.take(batch, IDLE);
                if (batch.isEmpty()) {
                    if (lastBatchFailed) {
                        probe();
                    }
                    continue;
                }
                // A caller that gave up waiting was told 503: its entry is not written, so nothing it
                // asked for (an approval used, a vote) takes effect behind its back.
                batch.removeIf(p -> p.done().isDone());
                if (flushFailed) {
                    refuse(batch, new LogUnavailableException(FLUSH_FAILED, null));
                } else if (!batch.isEmpty()) {
                    writeBatch(batch);
                }
            } catch (InterruptedException e) {
                // What the batch held is not written: its callers are told so at once.
                refuse(batch, new LogUnavailableException(running ? "the log writer was interrupted" : STOPPING, null));
                if (running) {
                    // Not a stop (stop() clears running and lets the writer drain): the transaction manager interrupts
                    // a thread whose transaction outlives its timeout. That batch has failed; the writer goes on.
                    continue;
                }
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        for (Pending pending; (pending = queue.poll()) != null;) {
            pending.done().completeExceptionally(new LogUnavailableException(STOPPING, null));
        }
    }

    /**
     * On embedded H2: puts into the tables what the journals beside its file hold beyond the chain head (a
     * restart after a crash), whether or not the journal is used from now on, then opens it for the writer when
     * it is: with H2's log flushed, one writer, and the database in a plain file.
     */
    private void openJournal() throws Exception {
        MVStore store = QuarkusTransaction.requiringNew().call(() -> em.unwrap(Session.class).doReturningWork(H2Stores::of));
        Path database = store == null || store.getFileStore() == null ? null : plainFile(store.getFileStore().getFileName());
        if (database == null) {
            return;
        }
        // H2's head as read below may be a commit of the last run that only the operating system's cache holds
        // (a kill -9 before the applier's flush): made durable before the journals behind it are written over.
        disk.flush(store);
        Path[] files = H2Journal.files(database);
        boolean use = flushH2 && journalWanted && config.writers() == 1;
        if (!use && !Files.exists(files[0]) && !Files.exists(files[1])) {
            return;
        }
        LogReader.Head head = QuarkusTransaction.requiringNew().call(
                () -> em.unwrap(Session.class).doReturningWork(connection -> {
                    try (PreparedStatement read = connection.prepareStatement(READ_HEAD); ResultSet rs = read.executeQuery()) {
                        return head(rs);
                    }
                }));
        H2Journal opened = H2Journal.open(files, head, this::applyEntries, disk::force, journalSettings,
                config.appendTimeout());
        if (use) {
            journal = opened;
        } else {
            opened.close();
        }
    }

    /** The path of an H2 file name on the plain file system ({@code file:} and {@code nio:} are); null for another ({@code split:}, {@code memFS:}…). */
    static Path plainFile(String fileName) {
        for (String plain : List.of("file:", "nio:")) {
            if (fileName.startsWith(plain)) {
                fileName = fileName.substring(plain.length());
            }
        }
        int colon = fileName.indexOf(':');
        boolean prefixed = colon > 1 && fileName.indexOf('/') > colon;
        return prefixed ? null : Path.of(fileName);
    }

    /**
     * The applier's commit: inserts those of {@code entries} beyond the chain head (a commit whose flush failed
     * may be tried again), moves the head to the last, commits, and flushes H2's file. A failed flush stops the
     * log as the writer's own does.
     */
    private void applyEntries(List<LogJournal.Entry> entries) throws Exception {
        if (flushFailed) {
            // No flush after a failed one proves anything: the entries stay in the journal for the restart.
            throw new LogUnavailableException(FLUSH_FAILED, null);
        }
        MVStore store = QuarkusTransaction.requiringNew().timeout((int) Math.max(1, config.appendTimeout().toSeconds())).call(() -> {
            Session session = em.unwrap(Session.class);
            session.doWork(connection -> {
                LogReader.Head found;
                try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet rs = lock.executeQuery()) {
                    found = head(rs);
                }
                long head = found.sequence();
                for (LogJournal.Entry entry : entries) {
                    boolean linked = entry.sequence() == head + 1 ? entry.prevHash().equals(found.hash())
                            : entry.sequence() != head || entry.hash().equals(found.hash());
                    if (!linked) {
                        throw chainMoved(found, entry.sequence());
                    }
                }
                List<Object[]> rows = entries.stream().filter(e -> e.sequence() > head).map(LogJournal.Entry::row).toList();
                if (!rows.isEmpty()) {
                    LogJournal.Entry last = entries.get(entries.size() - 1);
                    RowInsert.insertAll(connection, false, Map.of(ENTRY, rows), MOVE_HEAD, last.sequence(), last.hash());
                }
            });
            return session.doReturningWork(H2Stores::of);
        });
        long started = System.nanoTime();
        try {
            disk.flush(store);
        } catch (IOException | RuntimeException e) {
            flushFailed = true;
            LOG.error(FLUSH_FAILED_ADVICE);
            throw e;
        }
        flushTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /**
     * The database's chain head is not where this writer's entries continue it: something else appended (another
     * process on the same file). The log stops, as after a failed flush: nothing more is answered or applied.
     */
    private IllegalStateException chainMoved(LogReader.Head found, long sequence) {
        flushFailed = true;
        String message = "the chain head in the database (" + found.sequence() + ", " + found.hash() + ") does not link to entry "
                + sequence + " of this service's log: another process appended to the database. Every decision is refused "
                + "(503) until the service is restarted; the journals keep the entries, and a restart applies them or names "
                + "the first that does not continue the chain";
        LOG.error("decision log: " + message);
        return new IllegalStateException(message);
    }

    /**
     * Waits, on embedded H2 with the journal, until every entry whose caller has been answered is in the
     * database's tables, so that a read of them that follows sees them. Returns at once elsewhere, when nothing
     * waits, and on the writer's own thread.
     */
    public void catchUp() {
        H2Journal current = journal;
        if (current != null && !writers.contains(Thread.currentThread())) {
            if (flushFailed && current.behind() > 0) {
                // The applier stopped with the log: the journaled entries reach the tables at the next start.
                throw new LogUnavailableException(FLUSH_FAILED, null);
            }
            current.catchUp();
        }
    }

    /** Entries made durable in the journal and not yet in the tables (0 without a journal). */
    long journalBehind() {
        H2Journal current = journal;
        return current == null ? 0 : current.behind();
    }

    /**
     * After a failed batch, checks the database while idle, so that readiness comes back when the
     * database does, without waiting for traffic a load balancer would not send to an unready instance.
     */
    private void probe() {
        try {
            QuarkusTransaction.requiringNew().timeout(5).call(() -> em.find(ChainHeadRecord.class, ChainHeadRecord.ID));
            lastBatchFailed = false;
            LOG.info("decision log: the database answers again");
        } catch (RuntimeException e) {
            LOG.debugf("decision log: the database is still unavailable: %s", rootMessage(e));
        }
    }

    private void writeBatch(List<Pending> batch) throws InterruptedException {
        // A caller that times out while its batch commits gets 503 although its entry is written: the
        // log then holds a decision no one acted on, which only adds to the record.
        long started = System.nanoTime();
        Appended appended = null;
        for (int attempt = 1; appended == null; attempt++) {
            try {
                appended = QuarkusTransaction.requiringNew()
                        .timeout((int) Math.max(1, config.appendTimeout().toSeconds())).call(() -> append(batch));
                lastBatchFailed = false;
            } catch (Throwable e) {
                if (attempt == 1 && causedBy(e, DrainFirst.class) && journal != null) {
                    // A batch with rows found journaled entries not yet in the tables: it was rolled back, and is
                    // tried again once the applier has put them in, waited for with no transaction or connection held.
                    try {
                        journal.drain();
                        continue;
                    } catch (LogUnavailableException late) {
                        e = late;
                    }
                }
                lastBatchFailed = true;
                fail(batch, "a batch of " + batch.size() + " entries could not be committed", e);
                return;
            }
        }
        commitTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batchSize.record(batch.size());
        if (appended.journal() != null) {
            durable(batch, appended);
        } else if (appended.h2() != null) {
            // H2 has written the commit to its file but left it in the operating system's cache, which a crash
            // of the machine loses: its callers are answered once the flusher has made it durable. Behind a flush
            // that hangs, the writer waits here once the bound is reached, and takes no more entries meanwhile.
            Committed done = new Committed(List.copyOf(batch), appended.results(), appended.h2());
            try {
                unflushed.acquire();
                committed.add(done);
            } catch (InterruptedException e) {
                refuse(done.callers(), new LogUnavailableException(STOPPING, null));
                throw e;
            }
        } else {
            answer(batch, appended.results());
        }
    }

    /**
     * With the journal: makes the batch durable, then answers it. Plain entries go into the journal; a batch
     * that wrote rows was committed with its entries, so H2's file is flushed. A failed write or flush stops the
     * log as a failed flush does.
     */
    private void durable(List<Pending> batch, Appended appended) throws InterruptedException {
        List<LogJournal.Entry> entries = appended.journal();
        if (appended.withRows() || !entries.isEmpty()) {
            long started = System.nanoTime();
            flushStarted = started;
            try {
                if (appended.withRows()) {
                    disk.flush(appended.h2());
                    if (!entries.isEmpty()) {
                        LogJournal.Entry last = entries.get(entries.size() - 1);
                        journal.committed(new LogReader.Head(last.sequence(), last.hash()));
                    }
                } else {
                    journal.append(entries);
                }
            } catch (LogUnavailableException e) {
                // Both files full while the applier cannot reach the tables: nothing was written, and nothing is
                // known to be lost, so only this batch is refused.
                fail(batch, "a batch of " + entries.size() + " entries waited for room in the journal", e);
                return;
            } catch (IOException | RuntimeException e) {
                flushFailed = true;
                LOG.error(FLUSH_FAILED_ADVICE);
                fail(batch, entries.size() + " committed entries could not be flushed to the disk", e);
                return;
            } finally {
                flushStarted = 0;
            }
            flushTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        if (flushFailed) {
            // A flush failed meanwhile (the applier's): no answer after it, though this batch is in the journal.
            refuse(batch, new LogUnavailableException(FLUSH_FAILED, null));
            return;
        }
        answer(batch, appended.results());
    }

    private void answer(List<Pending> batch, List<LogResult> results) {
        long now = System.nanoTime();
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            waitTime.record(now - pending.queued(), TimeUnit.NANOSECONDS);
            pending.done().complete(results.get(i));
        }
    }

    /** Fails every caller of {@code batch} with 503: what was asked is not known to be durable. */
    private void fail(List<Pending> batch, String what, Throwable e) {
        LOG.errorf("decision log: %s: %s", what, rootMessage(e));
        refuse(batch, new LogUnavailableException(rootMessage(e), e));
        if (e instanceof VirtualMachineError error) {
            throw error;
        }
    }

    private static void refuse(List<Pending> callers, LogUnavailableException failure) {
        callers.forEach(p -> p.done().completeExceptionally(failure));
    }

    private void flushLoop() {
        List<Committed> group = new ArrayList<>();
        while (flushing || !committed.isEmpty()) {
            try {
                Committed first = committed.poll(IDLE.toNanos(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                // Every batch taken here was committed, and so written to the file, before the flush begins.
                group.add(first);
                committed.drainTo(group);
                flush(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                unflushed.release(group.size());
                group.clear();
            }
        }
        for (Committed left; (left = committed.poll()) != null;) {
            refuse(left.callers(), new LogUnavailableException(STOPPING, null));
            unflushed.release();
        }
    }

    /**
     * Flushes the store {@code group} was committed to (one, unless the database was opened again between
     * its batches), then answers every caller in commit order. A caller whose batch cannot be flushed gets
     * 503: its entry stays in the log, a decision no one acted on. So does every caller after a failed flush.
     */
    private void flush(List<Committed> group) {
        if (flushFailed) {
            // Committed before the failure was seen, flushed by nothing that can be trusted.
            refuse(callersOf(group), new LogUnavailableException(FLUSH_FAILED, null));
            return;
        }
        long started = System.nanoTime();
        flushStarted = started;
        try {
            MVStore flushed = null;
            for (Committed batch : group) {
                if (batch.store() != flushed) {
                    disk.flush(batch.store());
                    flushed = batch.store();
                }
            }
        } catch (Throwable e) {
            flushFailed = true;
            LOG.error(FLUSH_FAILED_ADVICE);
            List<Pending> callers = callersOf(group);
            fail(callers, callers.size() + " committed entries could not be flushed to the disk", e);
            return;
        } finally {
            flushStarted = 0;
        }
        flushTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        group.forEach(batch -> answer(batch.callers(), batch.results()));
    }

    private static List<Pending> callersOf(List<Committed> group) {
        return group.stream().flatMap(batch -> batch.callers().stream()).toList();
    }

    /**
     * Thrown by a batch with rows while journaled entries wait for the applier: the writer rolls it back, waits for
     * the applier outside any transaction (an H2 store the applier's failed commit closed would otherwise leave the
     * writer's open transaction to end in it), and tries the batch once more.
     */
    private static final class DrainFirst extends RuntimeException {
        DrainFirst() {
            super("journaled entries wait for the applier", null, false, false);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A batch as appended: each write's result, and the H2 store to flush once it is committed (null: nothing to
     * flush). With the journal, {@code journal} holds its entries (null without), and {@code withRows} says they
     * were committed with the rows the batch wrote instead of being left for the journal.
     */
    private record Appended(List<LogResult> results, MVStore h2, List<LogJournal.Entry> journal, boolean withRows) {
    }

    private Appended append(List<Pending> batch) throws InterruptedException {
        Session session = em.unwrap(Session.class);
        MVStore h2 = flushH2 ? session.doReturningWork(H2Stores::of) : null;
        H2Journal journaling = journal;
        // With the journal the writer is the only one to append, so it knows the head; without, it is locked.
        LogReader.Head known = journaling == null ? null : journaling.head();
        Locked locked = session.doReturningWork(connection -> lock(connection, batch.stream().map(Pending::write).toList(), known));
        LogReader.Head head = locked.head();
        LogBatch context = locked.batch();
        long sequence = head.sequence();
        String previousHex = head.hash();
        byte[] previous = HexFormat.of().parseHex(previousHex);
        Instant now = context.now();
        String recordedAt = now.toString();
        List<LogResult> results = new ArrayList<>(batch.size());
        List<LogJournal.Entry> journaled = new ArrayList<>(batch.size());
        List<Object[]> entries = new ArrayList<>(batch.size());
        boolean rows = false;
        // The entries first, then the write-once rows, table by table in the order they first appear.
        Map<RowInsert, List<Object[]>> inserted = new LinkedHashMap<>();
        inserted.put(ENTRY, entries);
        // Each write's entities are persisted as it is appended, so that a later guard in the batch sees
        // them; they reach the database in the flush before the inserts, in JDBC batches per table
        // (hibernate.order_inserts). Write-once rows are inserted with the entries.
        for (Pending pending : batch) {
            LogWrite write = pending.write();
            LogWrite.Check check = write.guard() == null ? null : write.guard().check(context);
            if (check instanceof LogWrite.Refuse refuse) {
                results.add(new LogResult(false, -1, null, now, refuse.payload()));
                continue;
            }
            if (check instanceof LogWrite.Append replacement) {
                write = replacement.write();
            }
            sequence++;
            byte[] body = write.stamped(recordedAt, sequence);
            byte[] hash = HashChain.link(previous, body);
            String hashHex = HexFormat.of().formatHex(hash);
            LogJournal.Entry entry = new LogJournal.Entry(sequence, now, write.kind(), body, previousHex, hashHex, write.decisionId());
            journaled.add(entry);
            entries.add(entry.row());
            for (Object row : write.rows()) {
                rows = true;
                if (row instanceof LogWrite.Sequenced sequenced) {
                    sequenced.sequence(sequence);
                }
                if (row instanceof LogWrite.Inserted once) {
                    inserted.computeIfAbsent(once.insert(), table -> new ArrayList<>()).add(once.values());
                } else {
                    em.persist(row);
                }
            }
            previous = hash;
            previousHex = hashHex;
            results.add(new LogResult(true, sequence, ChainVerifier.hex(hash), now, write.payload()));
        }
        if (journaling != null && !rows && journaling.takes(journaled) && !session.isDirty()
                && !session.doReturningWork(H2Stores::changed)) {
            // Nothing written in the database: the journal makes the entries durable, the applier puts them in.
            // (A batch too large for it, of many long requests, is committed as one with rows is.)
            return new Appended(results, h2, journaled, false);
        }
        if (journaling != null) {
            // Rows go in with their entries, after every entry journaled before them, in one commit the writer flushes;
            // the head in the database is then the one this batch continues, unless another process moved it.
            if (journaling.behind() > 0) {
                throw new DrainFirst();
            }
            session.doWork(connection -> {
                try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet rs = lock.executeQuery()) {
                    LogReader.Head found = head(rs);
                    if (found.sequence() != known.sequence() || !found.hash().equals(known.hash())) {
                        throw chainMoved(found, known.sequence() + 1);
                    }
                }
            });
        }
        if (!entries.isEmpty()) {
            long last = sequence;
            String lastHash = previousHex;
            // The rows the guards changed or persisted go first. On PostgreSQL the inserts, the move of the
            // head (under the lock taken above) and the commit then go in one round trip: the transaction
            // manager's own commit finds the connection's transaction over and has nothing left to send, as
            // the flush has left nothing to write. A transaction already marked for rollback (by a failure
            // something caught) is not committed behind the transaction manager's back.
            session.flush();
            if (QuarkusTransaction.isRollbackOnly()) {
                throw new IllegalStateException("the batch's transaction was marked for rollback");
            }
            session.doWork(connection -> RowInsert.insertAll(connection, postgresql, inserted,
                    postgresql ? MOVE_HEAD + ";\nCOMMIT" : MOVE_HEAD, last, lastHash));
        }
        return new Appended(results, h2, journaling == null ? null : journaled, journaling != null);
    }

    /** The chain head as locked, and the batch with its time (taken once the lock is held) and its shared reads. */
    private record Locked(LogReader.Head head, LogBatch batch) {
    }

    /**
     * Locks the chain head and runs the reads the batch's guards share ({@link BatchQuery}), in that order:
     * on PostgreSQL all in one round trip, elsewhere one statement after the other. Every read starts once
     * the lock is held, so it sees everything committed by the writer that held it before.
     */
    private Locked lock(Connection connection, List<LogWrite> writes, LogReader.Head known) throws SQLException {
        Map<BatchQuery<?>, BatchQuery.Sql> queries = new LinkedHashMap<>();
        for (LogWrite write : writes) {
            if (write.guard() != null) {
                for (BatchQuery<?> query : write.guard().queries()) {
                    if (!queries.containsKey(query)) {
                        queries.put(query, query.sql(writes));
                    }
                }
            }
        }
        queries.values().removeIf(Objects::isNull);
        if (postgresql) {
            List<String> statements = new ArrayList<>();
            statements.add(LOCK_HEAD);
            queries.values().forEach(sql -> statements.add(sql.text()));
            try (PreparedStatement all = connection.prepareStatement(String.join(";\n", statements))) {
                int next = 1;
                for (BatchQuery.Sql sql : queries.values()) {
                    next = RowInsert.bindAll(all, next, sql.parameters());
                }
                all.execute();
                LogBatch batch = new LogBatch(now(), writes);
                LogReader.Head head;
                try (ResultSet rs = all.getResultSet()) {
                    head = head(rs);
                }
                for (BatchQuery<?> query : queries.keySet()) {
                    if (!all.getMoreResults()) {
                        throw new IllegalStateException("no rows came back for the batch's read " + query);
                    }
                    try (ResultSet rs = all.getResultSet()) {
                        read(batch, query, rs);
                    }
                }
                return new Locked(head, batch);
            }
        }
        LogReader.Head head = known;
        if (head == null) {
            try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet rs = lock.executeQuery()) {
                head = head(rs);
            }
        }
        LogBatch batch = new LogBatch(now(), writes);
        for (Map.Entry<BatchQuery<?>, BatchQuery.Sql> e : queries.entrySet()) {
            try (PreparedStatement query = connection.prepareStatement(e.getValue().text())) {
                RowInsert.bindAll(query, 1, e.getValue().parameters());
                try (ResultSet rs = query.executeQuery()) {
                    read(batch, e.getKey(), rs);
                }
            }
        }
        return new Locked(head, batch);
    }

    private static <T> void read(LogBatch batch, BatchQuery<T> query, ResultSet rows) throws SQLException {
        batch.read(query, query.read(rows, batch));
    }

    private static LogReader.Head head(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            throw new IllegalStateException("the chain head row is missing: the schema was not migrated");
        }
        return new LogReader.Head(rs.getLong(1), rs.getString(2));
    }

    /** The time every entry of a batch is recorded at: taken with the chain head locked, so it never goes back along the chain. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}

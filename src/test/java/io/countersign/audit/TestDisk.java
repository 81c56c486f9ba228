package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.h2.mvstore.MVStore;

/**
 * The embedded log's disk for the failure tests: flushes H2's file and the journal as the real one does, or
 * refuses; {@link #hold} keeps a flush waiting until released. {@link #flushed} counts both kinds.
 */
class TestDisk extends H2Disk {
    volatile boolean refusing;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch hold;
    final AtomicInteger flushed = new AtomicInteger();

    TestDisk(boolean holding) {
        hold = new CountDownLatch(holding ? 1 : 0);
    }

    @Override
    void flush(MVStore store) throws IOException {
        disk();
        super.flush(store);
        flushed.incrementAndGet();
    }

    /** The journal's flush, on the same disk. */
    @Override
    void force(FileChannel channel) throws IOException {
        disk();
        super.force(channel);
        flushed.incrementAndGet();
    }

    private void disk() {
        entered.countDown();
        try {
            hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (refusing) {
            throw new UncheckedIOException(new IOException("injected: the disk refused the flush"));
        }
    }

    /**
     * With this disk holding its flush: {@code ask} (a decision's status) reaches it, the service turns unready once
     * the flush outlasts a caller's wait, and the caller gets 503; then the flush is let go and the service is ready.
     */
    void hungFlushRefuses(Supplier<Integer> ask) throws Exception {
        try {
            CompletableFuture<Integer> asked = CompletableFuture.supplyAsync(ask);
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the decision never reached the flush");
            awaitReadiness(503, Duration.ofSeconds(20));
            assertEquals(503, asked.get(30, TimeUnit.SECONDS), "a decision was answered before its flush returned");
        } finally {
            hold.countDown();
        }
        // The flush returns: nothing failed, so the service is ready again.
        awaitReadiness(200, Duration.ofSeconds(20));
    }

    static void awaitReadiness(int status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (given().when().get("/q/health/ready").statusCode() != status) {
            assertTrue(System.nanoTime() < deadline, "readiness did not answer " + status + " within " + within);
            Thread.sleep(50);
        }
    }
}

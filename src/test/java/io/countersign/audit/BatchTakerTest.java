package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The writer's batches: everything queued goes in one; under load (entries together) it waits for more, up
 * to the window, a full batch, or a pause in arrivals; a caller alone after a lone one is not held. Windows here are a minute,
 * so a batch that waited for one would time out the test rather than pass slowly.
 */
class BatchTakerTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration IDLE = Duration.ofMillis(50);
    private static final Duration NO_PAUSE = Duration.ZERO;

    private final WriterQueue<Integer> queue = new WriterQueue<>(100);

    @Test
    void aLoneEntryAfterALoneOneIsTakenAtOnce() throws InterruptedException {
        BatchTaker<Integer> taker = new BatchTaker<>(queue, 10, MINUTE, NO_PAUSE);
        for (int i = 1; i <= 3; i++) {
            queue.offer(i);
            List<Integer> batch = new ArrayList<>();
            long started = System.nanoTime();
            taker.take(batch, IDLE);
            assertEquals(List.of(i), batch);
            assertTrue(System.nanoTime() - started < MINUTE.toNanos() / 2, "a lone entry was held for the gather window");
        }
    }

    @Test
    void entriesQueuedTogetherWaitForMoreUntilTheBatchIsFull() throws InterruptedException {
        BatchTaker<Integer> taker = new BatchTaker<>(queue, 5, MINUTE, NO_PAUSE);
        queue.offer(1);
        queue.offer(2);
        Thread late = addLater(List.of(3), List.of(4, 5, 6));
        List<Integer> batch = new ArrayList<>();
        taker.take(batch, IDLE);
        late.join();
        assertEquals(List.of(1, 2, 3, 4, 5), batch, "the late entries join the batch, up to its size");
        assertEquals(List.of(6), left(), "what does not fit waits for the next batch");
    }

    @Test
    void afterABatchOfSeveralALoneEntryWaitsForTheWindow() throws InterruptedException {
        BatchTaker<Integer> taker = new BatchTaker<>(queue, 2, MINUTE, NO_PAUSE);
        queue.offer(1);
        queue.offer(2);
        List<Integer> first = new ArrayList<>();
        taker.take(first, IDLE);
        assertEquals(List.of(1, 2), first);

        queue.offer(3);
        Thread late = addLater(List.of(4));
        List<Integer> second = new ArrayList<>();
        taker.take(second, IDLE);
        late.join();
        assertEquals(List.of(3, 4), second, "load was seen in the last batch, so the entry 100 ms later joined (and filled it)");
    }

    @Test
    void aPauseInArrivalsEndsTheWindowEarly() throws InterruptedException {
        BatchTaker<Integer> taker = new BatchTaker<>(queue, 10, MINUTE, Duration.ofMillis(50));
        queue.offer(1);
        queue.offer(2);
        Thread late = addLater(Duration.ofSeconds(1), List.of(3));
        List<Integer> batch = new ArrayList<>();
        long started = System.nanoTime();
        taker.take(batch, IDLE);
        long took = System.nanoTime() - started;
        late.join();
        assertEquals(List.of(1, 2), batch, "nothing arrived for the pause (50 ms), so the entry a second later waits for the next batch");
        assertTrue(took < MINUTE.toNanos() / 2, "the batch waited for the window, not the pause");
        assertEquals(List.of(3), left());
    }

    @Test
    void entriesArrivingWithinThePauseKeepTheWindowOpen() throws InterruptedException {
        // The batch never fills, so only arrivals within the pause (400 ms) keep the window open past the first
        // pause: the entries 300 and 400 ms in join it, and the window ends a pause or two after the last.
        BatchTaker<Integer> taker = new BatchTaker<>(queue, 20, MINUTE, Duration.ofMillis(400));
        queue.offer(1);
        queue.offer(2);
        Thread late = addLater(Duration.ofMillis(100), List.of(3), List.of(4), List.of(5), List.of(6));
        List<Integer> batch = new ArrayList<>();
        long started = System.nanoTime();
        taker.take(batch, IDLE);
        long took = System.nanoTime() - started;
        late.join();
        assertEquals(List.of(1, 2, 3, 4, 5, 6), batch, "each entry came within the pause of the one before");
        assertTrue(took < MINUTE.toNanos() / 2, "the window did not end after the arrivals stopped");
    }

    @Test
    void withoutAWindowOnlyWhatIsQueuedIsTaken() throws InterruptedException {
        BatchTaker<Integer> taker = new BatchTaker<>(queue, 10, Duration.ZERO, NO_PAUSE);
        queue.offer(1);
        queue.offer(2);
        List<Integer> batch = new ArrayList<>();
        taker.take(batch, IDLE);
        assertEquals(List.of(1, 2), batch);
        List<Integer> none = new ArrayList<>();
        taker.take(none, IDLE);
        assertEquals(List.of(), none, "nothing queued: nothing taken after the idle wait");
    }

    /** What is still queued, taken from the queue. */
    private List<Integer> left() {
        List<Integer> left = new ArrayList<>();
        queue.drainTo(left, Integer.MAX_VALUE);
        return left;
    }

    /** Starts a thread that adds each group of entries to the queue, 100 ms after the one before. */
    @SafeVarargs
    private Thread addLater(List<Integer>... groups) {
        return addLater(Duration.ofMillis(100), groups);
    }

    /** Starts a thread that adds each group of entries to the queue, {@code gap} after the one before. */
    @SafeVarargs
    private Thread addLater(Duration gap, List<Integer>... groups) {
        Thread late = new Thread(() -> {
            try {
                for (List<Integer> group : groups) {
                    Thread.sleep(gap.toMillis());
                    group.forEach(queue::offer);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        late.start();
        return late;
    }
}

package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/** The writers' queue: bounded, first in first out, and a sleeping writer woken by the entry it waits for. */
class WriterQueueTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    void aFullQueueRefusesAndTakingMakesRoomAgain() {
        WriterQueue<Integer> queue = new WriterQueue<>(2);
        assertTrue(queue.offer(1));
        assertTrue(queue.offer(2));
        assertFalse(queue.offer(3), "the third entry is beyond the capacity");
        assertEquals(1, queue.poll());
        assertTrue(queue.offer(4));
        List<Integer> left = new ArrayList<>();
        assertEquals(2, queue.drainTo(left, 10));
        assertEquals(List.of(2, 4), left, "oldest first, and the refused entry is not there");
        assertTrue(queue.isEmpty());
        assertNull(queue.poll());
    }

    @Test
    void aWriterWaitingForAnEntryIsWokenByIt() throws InterruptedException {
        WriterQueue<Integer> queue = new WriterQueue<>(10);
        AtomicReference<Integer> taken = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                taken.set(queue.poll(MINUTE));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        writer.start();
        awaitAsleep(writer, queue);
        queue.offer(7);
        assertTrue(done.await(10, TimeUnit.SECONDS), "the writer slept on, past the entry it waited for");
        assertEquals(7, taken.get());
    }

    @Test
    void aWriterWaitingForSeveralSleepsUntilTheyAreQueuedOrItsTimeIsUp() throws InterruptedException {
        WriterQueue<Integer> queue = new WriterQueue<>(10);
        queue.offer(1);
        long started = System.nanoTime();
        queue.await(2, TimeUnit.MILLISECONDS.toNanos(200));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(200), "one entry ended a wait for two");

        Thread late = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queue.offer(2);
        });
        late.start();
        started = System.nanoTime();
        queue.await(2, MINUTE);
        assertTrue(System.nanoTime() - started < MINUTE / 2, "the second entry did not wake the writer");
        late.join();
    }

    @Test
    void aFullQueueWakesAWriterWaitingForMoreThanItHolds() throws InterruptedException {
        WriterQueue<Integer> queue = new WriterQueue<>(2);
        queue.offer(1);
        queue.offer(2);
        long started = System.nanoTime();
        queue.await(5, MINUTE);
        assertTrue(System.nanoTime() - started < MINUTE / 2, "a batch larger than the queue slept while the queue was full");
    }

    /**
     * One caller and one writer taking turns: every entry is added while the writer sleeps waiting for it, so a
     * single lost wake-up leaves the writer asleep for its minute and the test past its deadline.
     */
    @Test
    void everyEntryWakesTheWriterThatSleepsWaitingForIt() throws InterruptedException {
        int entries = 2_000;
        WriterQueue<Integer> queue = new WriterQueue<>(4);
        List<Integer> taken = new ArrayList<>();
        AtomicInteger took = new AtomicInteger();
        Thread writer = writer(queue, () -> taken.size() < entries, taken, took::incrementAndGet);
        writer.start();
        for (int i = 0; i < entries; i++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (took.get() < i) {
                assertTrue(System.nanoTime() < deadline, "the writer slept past entry " + (i - 1) + ", which it waited for");
                Thread.yield();
            }
            awaitAsleep(writer, queue);
            assertTrue(queue.offer(i));
        }
        writer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(writer.isAlive(), "the writer slept past an entry it waited for");
        for (int i = 0; i < entries; i++) {
            assertEquals(i, taken.get(i));
        }
    }

    @Test
    void anInterruptedWriterStopsWaiting() {
        WriterQueue<Integer> queue = new WriterQueue<>(10);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.poll(MINUTE));
        assertFalse(Thread.interrupted(), "the interrupt is reported once, by the exception");
    }

    /**
     * Callers on several threads and two writers taking with long waits: every entry is taken exactly once, and
     * none is left queued with both writers asleep (the writers' wait is a minute, the test's deadline 30 s).
     */
    @Test
    void entriesFromManyCallersAreTakenOnceWithoutALostWakeUp() throws InterruptedException {
        int callers = 4;
        int each = 5_000;
        WriterQueue<Integer> queue = new WriterQueue<>(64);
        List<List<Integer>> taken = List.of(new ArrayList<>(), new ArrayList<>());
        CountDownLatch all = new CountDownLatch(callers * each);
        List<Thread> threads = new ArrayList<>();
        for (List<Integer> into : taken) {
            threads.add(writer(queue, () -> all.getCount() > 0, into, all::countDown));
        }
        for (int c = 0; c < callers; c++) {
            int first = c * each;
            threads.add(new Thread(() -> {
                for (int i = first; i < first + each; i++) {
                    while (!queue.offer(i)) {
                        Thread.yield();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        assertTrue(all.await(30, TimeUnit.SECONDS), "entries were left waiting: " + all.getCount());
        // The writers still waiting for one more are let go by one entry each.
        queue.offer(-1);
        queue.offer(-1);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(thread.isAlive(), thread + " did not end");
        }
        List<Integer> seen = new ArrayList<>();
        taken.forEach(seen::addAll);
        seen.removeIf(i -> i < 0);
        seen.sort(null);
        assertEquals(callers * each, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i), "an entry was lost or taken twice");
        }
    }

    /**
     * A writer thread (not started) that, while {@code more} holds, takes entries from {@code queue} with a
     * minute's wait, adds each to {@code into} and then runs {@code took}.
     */
    private static Thread writer(WriterQueue<Integer> queue, BooleanSupplier more, List<Integer> into, Runnable took) {
        return new Thread(() -> {
            try {
                while (more.getAsBoolean()) {
                    Integer item = queue.poll(MINUTE);
                    if (item != null) {
                        into.add(item);
                        took.run();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Waits until {@code writer} is parked in {@code queue} (it may first have to take what is queued). */
    private static void awaitAsleep(Thread writer, WriterQueue<?> queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(writer.getState() == Thread.State.TIMED_WAITING && LockSupport.getBlocker(writer) == queue)) {
            assertTrue(System.nanoTime() < deadline, "the writer never went to sleep in the queue");
            Thread.sleep(0, 100_000);
        }
    }
}

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
import java.util.concurrent.atomic.AtomicReference;

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
        Thread.sleep(100);
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
    void anInterruptedWriterStopsWaiting() {
        WriterQueue<Integer> queue = new WriterQueue<>(10);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.poll(MINUTE));
        assertFalse(Thread.interrupted(), "the interrupt is reported once, by the exception");
    }

    /**
     * Callers on several threads and two writers taking with long waits: every entry is taken exactly once,
     * and a wake-up lost between a caller and a sleeping writer would show as the test running into its
     * timeout instead of finishing.
     */
    @Test
    void entriesFromManyCallersAreTakenOnceWithoutALostWakeUp() throws InterruptedException {
        int callers = 4;
        int each = 20_000;
        WriterQueue<Integer> queue = new WriterQueue<>(64);
        List<List<Integer>> taken = List.of(new ArrayList<>(), new ArrayList<>());
        CountDownLatch all = new CountDownLatch(callers * each);
        List<Thread> threads = new ArrayList<>();
        for (List<Integer> into : taken) {
            threads.add(new Thread(() -> {
                try {
                    while (all.getCount() > 0) {
                        Integer item = queue.poll(MINUTE);
                        if (item != null) {
                            into.add(item);
                            all.countDown();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (int c = 0; c < callers; c++) {
            int first = c * each;
            threads.add(new Thread(() -> {
                for (int i = first; i < first + each; i++) {
                    while (!queue.offer(i)) {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        assertTrue(all.await(60, TimeUnit.SECONDS), "entries were left waiting: " + all.getCount());
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
}

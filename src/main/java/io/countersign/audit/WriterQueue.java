package io.countersign.audit;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The log writers' queue: bounded, many callers adding, the writers taking. Unlike a {@code BlockingQueue},
 * a caller that adds an entry wakes a writer only when one sleeps until that many entries are queued
 * ({@link #await}): a writer gathering a batch sleeps through the arrivals instead of being woken by each,
 * which with {@code ArrayBlockingQueue} cost every caller a futex call on its event loop and the writer a
 * switch per entry (about 5 µs of each per decision; docs/BENCHMARKS.md, 2026-12-07, eleventh session).
 *
 * Two counts: {@code reserved} holds a place for each entry from before it is added until it is taken, so the
 * queue never holds more than its capacity and refuses only when it is full; {@code queued} counts the entries
 * already in the queue, so a writer woken by it finds them there. The entries of a batch being gathered stay
 * in the queue until the writer takes them, and count against its capacity.
 */
final class WriterQueue<T> {
    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    /** Writers asleep in {@link #await}, each with the number of queued entries that wakes it; {@code sleeping} counts them. */
    private final ConcurrentHashMap<Thread, Integer> sleepers = new ConcurrentHashMap<>();
    private final AtomicInteger sleeping = new AtomicInteger();

    WriterQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the queue's capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code item} unless the queue is full; wakes a writer that waits for this many entries. */
    boolean offer(T item) {
        for (int held = reserved.get(); ; held = reserved.get()) {
            if (held >= capacity) {
                return false;
            }
            if (reserved.compareAndSet(held, held + 1)) {
                break;
            }
        }
        items.offer(item);
        int now = queued.incrementAndGet();
        // INVARIANT: a caller raises the count before it looks for sleepers, and a writer counts itself asleep and
        // registers before it reads the count (all volatile), so either the writer sees this entry or this caller
        // sees the writer.
        if (sleeping.get() > 0) {
            sleepers.forEach((writer, wakeAt) -> {
                if (now >= wakeAt) {
                    LockSupport.unpark(writer);
                }
            });
        }
        return true;
    }

    /** The oldest entry, or null. */
    T poll() {
        T item = items.poll();
        if (item != null) {
            queued.decrementAndGet();
            reserved.decrementAndGet();
        }
        return item;
    }

    /** The oldest entry, waiting up to {@code nanos} for one; null if none came (or another writer took it). */
    T poll(long nanos) throws InterruptedException {
        T item = poll();
        if (item != null) {
            return item;
        }
        await(1, nanos);
        return poll();
    }

    /** Moves up to {@code max} entries, oldest first, to {@code to}; returns how many. */
    int drainTo(Collection<? super T> to, int max) {
        int moved = 0;
        for (T item; moved < max && (item = poll()) != null; moved++) {
            to.add(item);
        }
        return moved;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * Sleeps until at least {@code count} entries are queued (at most the capacity: a full queue always wakes)
     * or {@code nanos} have passed. Entries that arrive while fewer are queued do not wake the writer.
     */
    void await(int count, long nanos) throws InterruptedException {
        int wakeAt = Math.min(count, capacity);
        long deadline = System.nanoTime() + nanos;
        Thread writer = Thread.currentThread();
        sleeping.incrementAndGet();
        sleepers.put(writer, wakeAt);
        try {
            while (queued.get() < wakeAt) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            sleepers.remove(writer);
            sleeping.decrementAndGet();
        }
    }
}

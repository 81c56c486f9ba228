package io.countersign.audit;

import java.time.Duration;
import java.util.List;

/**
 * Takes the log writer's next batch from its queue: the first entry and everything queued behind it, and,
 * under load, what arrives within a short window after it, so that one commit serves more entries (fewer
 * commits leave more CPU to the callers). Load is seen as entries arriving together: the last batch, or
 * the queue as drained, held more than one. A caller arriving after a lone one is not held. The window
 * also ends once entries stop arriving for a pause: the callers have all queued theirs, and holding the
 * batch longer would leave the CPU idle until the window's end. The writer sleeps through the window a
 * pause at a time, not woken by each arrival ({@link WriterQueue}), so the window ends one to two pauses
 * after the last arrival. One writer thread uses it; it is not thread-safe.
 */
final class BatchTaker<T> {
    private final WriterQueue<T> queue;
    private final int maxBatch;
    private final long windowNanos;
    private final long pauseNanos;
    private int lastSize;

    BatchTaker(WriterQueue<T> queue, int maxBatch, Duration window, Duration pause) {
        this.queue = queue;
        this.maxBatch = maxBatch;
        this.windowNanos = window.toNanos();
        this.pauseNanos = pause.toNanos();
    }

    /** Adds the next batch to {@code batch} (empty on entry); adds nothing when no entry came within {@code idle}. */
    void take(List<T> batch, Duration idle) throws InterruptedException {
        T first = queue.poll(idle.toNanos());
        if (first == null) {
            return;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        boolean together = batch.size() > 1 || lastSize > 1;
        if (windowNanos > 0 && together) {
            long deadline = System.nanoTime() + windowNanos;
            while (batch.size() < maxBatch) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                // Sleeps a pause at a time, woken early only by a full batch, and ends once a pause brought nothing.
                queue.await(maxBatch - batch.size(), pauseNanos > 0 ? Math.min(left, pauseNanos) : left);
                if (queue.drainTo(batch, maxBatch - batch.size()) == 0) {
                    break;
                }
            }
        }
        lastSize = batch.size();
    }
}

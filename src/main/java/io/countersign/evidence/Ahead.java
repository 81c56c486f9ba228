package io.countersign.evidence;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs the work of a source iterator on a thread of its own, a few batches ahead of the caller, so that reading
 * and parsing a bundle's log.jsonl overlap with checking the chain and the population. Memory stays flat: at most
 * {@link #AHEAD} batches of {@link #BATCH} items wait. A failure of the source reaches the caller at the place
 * in the sequence where it happened, never as an early end.
 */
final class Ahead<T> implements Iterator<T>, AutoCloseable {
    static final int BATCH = 256;
    static final int AHEAD = 4;

    private record Failed(Throwable failure) {
    }

    private static final List<Object> END = new ArrayList<>(0);
    private final BlockingQueue<List<Object>> batches = new ArrayBlockingQueue<>(AHEAD);
    private final Thread worker;
    private volatile boolean closed;
    private Iterator<Object> batch = List.of().iterator();
    private boolean ended;
    private T next;

    Ahead(String name, Iterator<T> source) {
        worker = new Thread(() -> run(source), name);
        worker.setDaemon(true);
        worker.start();
    }

    private void run(Iterator<T> source) {
        List<Object> filling = new ArrayList<>(BATCH);
        try {
            while (!closed && source.hasNext()) {
                filling.add(source.next());
                if (filling.size() == BATCH) {
                    batches.put(filling);
                    filling = new ArrayList<>(BATCH);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable e) {
            filling.add(new Failed(e));
        }
        try {
            if (!filling.isEmpty()) {
                batches.put(filling);
            }
            batches.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
        while (next == null && !ended) {
            if (batch.hasNext()) {
                Object item = batch.next();
                if (item instanceof Failed failed) {
                    ended = true;
                    throw rethrow(failed.failure());
                }
                next = (T) item;
            } else {
                List<Object> taken;
                try {
                    taken = batches.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + worker.getName(), e);
                }
                if (taken == END) {
                    ended = true;
                }
                batch = taken.iterator();
            }
        }
        return next != null;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = next;
        next = null;
        return item;
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            return e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(failure);
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}

package io.kdstream.teacher.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic batching: items gather until the batch holds {@code maxSize} or {@code maxWaitNanos} have passed since
 * its first item, whichever comes first. Time is passed in, so the rule is tested without sleeping. Not thread-safe.
 *
 * @param <T> the items batched
 */
public final class Batcher<T> {

    private final int maxSize;
    private final long maxWaitNanos;
    private List<T> items;
    private long firstAtNanos;

    public Batcher(int maxSize, long maxWaitNanos) {
        if (maxSize < 1 || maxWaitNanos < 0) {
            throw new IllegalArgumentException("a batch needs maxSize >= 1 and maxWait >= 0 but got " + maxSize + " and " + maxWaitNanos + " ns");
        }
        this.maxSize = maxSize;
        this.maxWaitNanos = maxWaitNanos;
        this.items = new ArrayList<>(maxSize);
    }

    /** Adds an item; returns true when the batch is now full. */
    public boolean add(T item, long nowNanos) {
        if (items.isEmpty()) {
            firstAtNanos = nowNanos;
        }
        items.add(item);
        return items.size() >= maxSize;
    }

    /** True when the batch is full or its first item has waited {@code maxWait}. */
    public boolean isDue(long nowNanos) {
        return !items.isEmpty() && (items.size() >= maxSize || nowNanos - firstAtNanos >= maxWaitNanos);
    }

    /** How long until the batch is due; {@link Long#MAX_VALUE} when it is empty. */
    public long nanosUntilDue(long nowNanos) {
        if (items.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return items.size() >= maxSize ? 0 : Math.max(0, firstAtNanos + maxWaitNanos - nowNanos);
    }

    public int size() {
        return items.size();
    }

    public int maxSize() {
        return maxSize;
    }

    /** The items gathered so far; the batcher starts a new, empty batch. */
    public List<T> take() {
        List<T> batch = items;
        items = new ArrayList<>(maxSize);
        return batch;
    }
}

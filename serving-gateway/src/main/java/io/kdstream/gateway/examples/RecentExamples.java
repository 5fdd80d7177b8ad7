package io.kdstream.gateway.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.PartitionOffset;

/**
 * The newest labelled examples, in a ring of fixed capacity, so memory stays bounded however fast labels arrive.
 * A candidate is scored only on examples it cannot have trained on: those at or after the next offset its lineage
 * says the trainer would consume in their partition. A partition the lineage does not name was never consumed.
 */
public final class RecentExamples {

    private final LabelledExample[] ring;
    private int next;
    private int size;

    public RecentExamples(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 but is " + capacity);
        }
        this.ring = new LabelledExample[capacity];
    }

    /** Keeps {@code example}, dropping the oldest when full, and wakes anyone waiting for examples. */
    public synchronized void add(LabelledExample example) {
        ring[next] = example;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        notifyAll();
    }

    public synchronized int size() {
        return size;
    }

    public int capacity() {
        return ring.length;
    }

    /** Up to {@code max} examples at or after {@code nextOffsets} of their partition, newest first. */
    public synchronized List<LabelledExample> unseen(Map<Integer, Long> nextOffsets, int max) {
        List<LabelledExample> found = new ArrayList<>();
        for (int i = 1; i <= size && found.size() < max; i++) {
            LabelledExample example = ring[Math.floorMod(next - i, ring.length)];
            if (example.offset() >= nextOffsets.getOrDefault(example.partition(), 0L)) {
                found.add(example);
            }
        }
        return found;
    }

    /**
     * Waits up to {@code wait} until at least {@code min} unseen examples are held, then returns up to {@code max}
     * of them (newest first); returns what there is when the wait runs out.
     */
    public synchronized List<LabelledExample> awaitUnseen(Map<Integer, Long> nextOffsets, int min, int max, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<LabelledExample> found = unseen(nextOffsets, max);
        while (found.size() < min) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
            found = unseen(nextOffsets, max);
        }
        return found;
    }

    /** The lineage's next offsets on {@code topic}, by partition. */
    public static Map<Integer, Long> nextOffsets(Lineage lineage, String topic) {
        Map<Integer, Long> offsets = new java.util.HashMap<>();
        for (PartitionOffset position : lineage.getOffsets()) {
            if (position.getTopic().equals(topic)) {
                offsets.merge(position.getPartition(), position.getOffset(), Math::max);
            }
        }
        return offsets;
    }
}

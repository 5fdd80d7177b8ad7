package io.kdstream.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A bounded memory of the most recent teacher embeddings, a fixed-capacity ring as in MoCo (He et al.,
 * "Momentum Contrast for Unsupervised Visual Representation Learning", CVPR 2020): on a stream there is no data
 * set to index, so the negatives of {@link ContrastiveLoss} are the embeddings of the last {@code capacity}
 * examples, the oldest overwritten first. Its size never exceeds the capacity, whatever the batch sizes.
 *
 * <p>Held in Java memory, not native: each batch copies it into the batch's own {@link NDManager} scope, so no
 * native array outlives the step that made it. Not thread-safe: the one training thread owns it.
 */
public final class EmbeddingQueue {

    private final int capacity;
    private final int width;
    private final float[] rows;
    /** Index of the row the next embedding overwrites. */
    private int next;
    private int size;

    public EmbeddingQueue(int capacity, int width) {
        if (capacity <= 0 || width <= 0) {
            throw new IllegalArgumentException("queue capacity and embedding width must be positive but are " + capacity + " and " + width);
        }
        this.capacity = capacity;
        this.width = width;
        this.rows = new float[Math.multiplyExact(capacity, width)];
    }

    public int capacity() {
        return capacity;
    }

    public int width() {
        return width;
    }

    /** Embeddings held, at most {@link #capacity()}. */
    public int size() {
        return size;
    }

    /**
     * Appends a batch of embeddings, row-major {@code (count, width)}, overwriting the oldest once full; of a batch
     * larger than the capacity only its last {@code capacity} rows stay.
     */
    public void add(float[] embeddings) {
        if (embeddings.length % width != 0) {
            throw new IllegalArgumentException("embeddings of width " + width + " expected, but " + embeddings.length
                    + " values are not a whole number of rows");
        }
        int count = embeddings.length / width;
        for (int row = Math.max(0, count - capacity); row < count; row++) {
            System.arraycopy(embeddings, row * width, rows, next * width, width);
            next = (next + 1) % capacity;
        }
        size = Math.min(capacity, size + count);
    }

    /** Forgets every embedding, for when the teacher changes and old embeddings no longer describe it. */
    public void clear() {
        size = 0;
        next = 0;
    }

    /** The embeddings held, oldest first, as a {@code (size, width)} array in {@code manager}. */
    public NDArray toArray(NDManager manager) {
        float[] ordered = new float[size * width];
        int oldest = size < capacity ? 0 : next;
        for (int i = 0; i < size; i++) {
            System.arraycopy(rows, ((oldest + i) % capacity) * width, ordered, i * width, width);
        }
        return manager.create(ordered, new Shape(size, width));
    }
}

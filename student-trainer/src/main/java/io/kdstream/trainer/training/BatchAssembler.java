package io.kdstream.trainer.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kdstream.trainer.labels.Example;

/**
 * Collects new examples into optimizer batches, topping each up with replayed older examples when a replay buffer
 * is given: {@code newPerBatch} new examples and {@code batchSize − newPerBatch} replays make one batch.
 *
 * <p>A batch's new examples enter the replay buffer only after the batch is built, so a batch never replays itself.
 */
public final class BatchAssembler {

    private final int inputSize;
    private final int classes;
    private final int batchSize;
    private final int newPerBatch;
    private final ReplayBuffer replay;
    private final List<Example> pending = new ArrayList<>();

    /** @param replay the buffer to mix in and feed, or null for batches of new examples only */
    public BatchAssembler(int inputSize, int classes, int batchSize, int newPerBatch, ReplayBuffer replay) {
        if (newPerBatch < 1 || newPerBatch > batchSize) {
            throw new IllegalArgumentException("new examples per batch must be in 1.." + batchSize + " but is " + newPerBatch);
        }
        if (newPerBatch < batchSize && replay == null) {
            throw new IllegalArgumentException("batches of " + batchSize + " with " + newPerBatch + " new examples need a replay buffer");
        }
        this.inputSize = inputSize;
        this.classes = classes;
        this.batchSize = batchSize;
        this.newPerBatch = newPerBatch;
        this.replay = replay;
    }

    /** Adds a new example; returns a batch when this one completes it. */
    public Optional<Batch> add(Example example) {
        pending.add(example);
        return pending.size() >= newPerBatch ? Optional.of(build()) : Optional.empty();
    }

    /** The pending examples as a smaller batch (with replays in the same proportion), before a checkpoint. */
    public Optional<Batch> flush() {
        return pending.isEmpty() ? Optional.empty() : Optional.of(build());
    }

    public int pending() {
        return pending.size();
    }

    /** Forgets the pending examples (their records will be read again after a rewind). */
    public void clear() {
        pending.clear();
    }

    private Batch build() {
        List<Example> examples = new ArrayList<>(pending);
        if (replay != null && newPerBatch < batchSize) {
            int wanted = (int) Math.round((double) pending.size() * (batchSize - newPerBatch) / newPerBatch);
            examples.addAll(replay.sample(Math.min(wanted, replay.size())));
        }
        Batch batch = Batch.of(examples, pending.size(), inputSize, classes);
        if (replay != null) {
            pending.forEach(replay::add);
        }
        pending.clear();
        return batch;
    }
}

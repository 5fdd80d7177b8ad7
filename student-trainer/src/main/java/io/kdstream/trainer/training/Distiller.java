package io.kdstream.trainer.training;

import java.util.List;

import io.kdstream.trainer.labels.Example;

/**
 * One way of making targets and stepping the student(s): from the teacher's soft labels, from an EMA of the student,
 * or from peers. Used by one thread at a time (the training thread).
 */
public interface Distiller extends AutoCloseable {

    /**
     * One optimizer step on the batch; returns the mean loss. A non-finite loss means the step was skipped; then
     * {@link #healthy} says whether the distiller can go on.
     */
    float step(Batch batch);

    /** False when a weight or gradient is NaN or infinite: the distiller must be replaced. */
    boolean healthy();

    /** The weights to publish with the auxiliary ones, scored on the held-out examples. */
    Snapshot snapshot(List<Example> holdout);

    @Override
    void close();
}

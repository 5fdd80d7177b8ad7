package io.kdstream.trainer.training;

import java.util.List;

import io.kdstream.trainer.labels.Example;

/**
 * One way of making targets and stepping the student(s): from the teacher's soft labels, from an EMA of the student,
 * or from peers. Used by one thread at a time (the training thread).
 */
public interface Distiller extends AutoCloseable {

    /** One optimizer step on the batch; returns the mean loss. */
    float step(Batch batch);

    /** The weights to publish with the auxiliary ones, scored on the held-out examples. */
    Snapshot snapshot(List<Example> holdout);

    @Override
    void close();
}

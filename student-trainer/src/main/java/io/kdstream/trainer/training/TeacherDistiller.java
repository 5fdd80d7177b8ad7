package io.kdstream.trainer.training;

import java.util.List;
import java.util.Map;

import io.kdstream.core.training.Learner;
import io.kdstream.trainer.labels.Example;

/** Distils the teacher's soft labels (already re-tempered to the trainer's temperature) into one student. */
public final class TeacherDistiller implements Distiller {

    private final StudentSetup setup;
    private final Learner learner;

    /** @param weights the student to continue, or null to start fresh */
    public TeacherDistiller(StudentSetup setup, byte[] weights) {
        this.setup = setup;
        this.learner = setup.newLearner(weights);
    }

    @Override
    public float step(Batch batch) {
        if (batch.teacher() == null) {
            throw new IllegalArgumentException("teacher mode needs teacher probabilities in every batch");
        }
        return learner.step(batch.inputs(), batch.size(), batch.teacher(), batch.labels());
    }

    @Override
    public Snapshot snapshot(List<Example> holdout) {
        int classes = setup.architecture().classes();
        HoldoutBatch batch = HoldoutBatch.of(holdout, setup.architecture().inputSize(), classes);
        float[] student = batch.probabilities(chunk -> learner.probabilities(chunk.inputs(), chunk.count(), setup.temperature()));
        float[] reference = batch.teacher() == null ? student : batch.teacher();
        return new Snapshot(learner.weights(), Map.of(),
                HoldoutScorer.score(student, reference, batch.labels(), batch.size(), classes));
    }

    @Override
    public void close() {
        learner.close();
    }
}

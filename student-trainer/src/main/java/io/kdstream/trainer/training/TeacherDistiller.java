package io.kdstream.trainer.training;

import java.util.List;
import java.util.Map;

import io.kdstream.core.training.Learner;
import io.kdstream.trainer.labels.Example;

/**
 * Distils the teacher's soft labels (already re-tempered to the trainer's temperature) into one student.
 *
 * <p>With {@link StudentSetup#publishEmaDecay} above 0 the checkpoint carries an exponential moving average of the
 * student's weights (Polyak averaging) rather than the weights of the newest step: the average moves less from one
 * checkpoint to the next, while the student itself trains on unchanged. Its decay ramps up as
 * {@code min(decay, (1 + t) / (10 + t))} over the first steps t, so that the fresh student's random start is forgotten
 * quickly. A restart continues from the published average.
 */
public final class TeacherDistiller implements Distiller {

    private final StudentSetup setup;
    private final Learner learner;
    private final EmaTeacher average;
    private long steps;

    /** @param weights the student to continue, or null to start fresh */
    public TeacherDistiller(StudentSetup setup, byte[] weights) {
        this.setup = setup;
        this.learner = setup.newLearner(weights);
        this.average = setup.publishEmaDecay() > 0
                ? new EmaTeacher(setup.architecture(), setup.device(), learner.weights())
                : null;
    }

    @Override
    public float step(Batch batch) {
        if (batch.teacher() == null) {
            throw new IllegalArgumentException("teacher mode needs teacher probabilities in every batch");
        }
        float loss = learner.step(batch.inputs(), batch.size(), batch.teacher(), batch.labels());
        if (average != null && Float.isFinite(loss)) {
            average.follow(learner.block(), Math.min(setup.publishEmaDecay(), (1f + steps) / (10f + steps)));
            steps++;
        }
        return loss;
    }

    @Override
    public boolean healthy() {
        return learner.healthy();
    }

    @Override
    public Snapshot snapshot(List<Example> holdout) {
        int classes = setup.architecture().classes();
        float temperature = setup.temperature();
        HoldoutBatch batch = HoldoutBatch.of(holdout, setup.architecture().inputSize(), classes);
        float[] student = batch.probabilities(chunk -> average != null
                ? average.probabilities(chunk.inputs(), chunk.count(), temperature)
                : learner.probabilities(chunk.inputs(), chunk.count(), temperature));
        float[] reference = batch.teacher() == null ? student : batch.teacher();
        return new Snapshot(average != null ? average.weights() : learner.weights(), Map.of(),
                HoldoutScorer.score(student, reference, batch.labels(), batch.size(), classes));
    }

    @Override
    public void close() {
        if (average != null) {
            average.close();
        }
        learner.close();
    }
}

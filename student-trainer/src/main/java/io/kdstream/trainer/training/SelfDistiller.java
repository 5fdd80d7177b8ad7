package io.kdstream.trainer.training;

import java.util.List;
import java.util.Map;

import io.kdstream.core.training.Learner;
import io.kdstream.trainer.labels.Example;

/**
 * Self-distillation: the student's targets are the softened outputs of an exponential moving average of its own
 * weights, mixed with true labels where the stream has them. No teacher model is involved.
 *
 * <p>The average's decay ramps up as {@code min(decay, (1 + t) / (10 + t))} over the first steps t, so that the
 * early, still random average is forgotten quickly.
 */
public final class SelfDistiller implements Distiller {

    /** Suffix of the model name under which the EMA teacher is checkpointed, so a restart continues from it. */
    public static final String EMA_SUFFIX = "-ema";

    private final StudentSetup setup;
    private final Learner learner;
    private final EmaTeacher teacher;
    private long steps;

    /**
     * @param studentWeights the student to continue, or null to start fresh
     * @param teacherWeights the EMA teacher to continue, or null to start it from the student
     */
    public SelfDistiller(StudentSetup setup, byte[] studentWeights, byte[] teacherWeights) {
        this.setup = setup;
        this.learner = setup.newLearner(studentWeights);
        this.teacher = new EmaTeacher(setup.architecture(), setup.device(),
                teacherWeights != null ? teacherWeights : learner.weights());
    }

    @Override
    public float step(Batch batch) {
        float[] targets = teacher.probabilities(batch.inputs(), batch.size(), setup.temperature());
        float loss = learner.step(batch.inputs(), batch.size(), targets, batch.labels());
        teacher.follow(learner.block(), Math.min(setup.emaDecay(), (1f + steps) / (10f + steps)));
        steps++;
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
        float[] student = batch.probabilities(chunk -> learner.probabilities(chunk.inputs(), chunk.count(), temperature));
        float[] reference = batch.probabilities(chunk -> teacher.probabilities(chunk.inputs(), chunk.count(), temperature));
        return new Snapshot(learner.weights(), Map.of(EMA_SUFFIX, teacher.weights()),
                HoldoutScorer.score(student, reference, batch.labels(), batch.size(), classes));
    }

    @Override
    public void close() {
        teacher.close();
        learner.close();
    }
}

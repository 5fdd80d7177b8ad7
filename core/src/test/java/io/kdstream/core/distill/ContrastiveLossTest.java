package io.kdstream.core.distill;

import static io.kdstream.core.distill.FeatureLossTesting.evaluate;
import static io.kdstream.core.distill.FeatureLossTesting.identity;
import static io.kdstream.core.distill.FeatureLossTesting.setParameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The heads are set to the identity, so the hand values are those of the normalised embeddings themselves. */
class ContrastiveLossTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldBeZeroWhileTheQueueIsEmptyAndThenHoldTheBatchsTeacherEmbeddings() {
        ContrastiveLoss crd = withIdentityHeads(0.5f, 3);

        float loss = evaluate(crd, manager.create(new float[]{1, 0}, new Shape(1, 2)), manager.create(new float[]{0, 2}, new Shape(1, 2)));

        assertThat(loss).isCloseTo(0f, within(1e-7f));
        assertThat(crd.memory().toArray(manager).toFloatArray()).containsExactly(0, 2);
    }

    @Test
    void shouldBeInfoNceAgainstTheQueuedNegatives() {
        // given τ = 0.5 and the queue holding (0, 2), which normalises to (0, 1)
        ContrastiveLoss crd = withIdentityHeads(0.5f, 3);
        crd.memory().add(new float[]{0, 2});

        // when the student is (1, 0) and its teacher (0.6, 0.8): positive 0.6, negative 0, logits 1.2 and 0
        float loss = evaluate(crd, manager.create(new float[]{1, 0}, new Shape(1, 2)), manager.create(new float[]{0.6f, 0.8f}, new Shape(1, 2)));

        // then: −log(e^1.2 / (e^1.2 + e^0)) = log(1 + e^−1.2)
        assertThat(loss).isCloseTo(0.2632825f, within(1e-6f));
        assertThat(crd.memory().size()).isEqualTo(2);
    }

    @Test
    void shouldAgreeWithAPlainComputationAtTheDefaultTemperature() {
        // given two examples and three queued negatives
        ContrastiveLoss crd = withIdentityHeads(ContrastiveLoss.DEFAULT_TEMPERATURE, 8);
        float[] queued = {1, 1, -1, 0.5f, 0.2f, -1};
        crd.memory().add(queued);
        float[] student = {1, 0.5f, -0.3f, 1};
        float[] teacher = {0.9f, 0.7f, 0.1f, 1};

        float loss = evaluate(crd, manager.create(student, new Shape(2, 2)), manager.create(teacher, new Shape(2, 2)));

        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double[] q = unit(student[2 * i], student[2 * i + 1]);
            double positive = dot(q, unit(teacher[2 * i], teacher[2 * i + 1])) / ContrastiveLoss.DEFAULT_TEMPERATURE;
            double partition = Math.exp(positive);
            for (int j = 0; j < 3; j++) {
                partition += Math.exp(dot(q, unit(queued[2 * j], queued[2 * j + 1])) / ContrastiveLoss.DEFAULT_TEMPERATURE);
            }
            expected += (Math.log(partition) - positive) / 2;
        }
        assertThat((double) loss).isCloseTo(expected, within(1e-4));
    }

    @Test
    void shouldLeaveTheQueueAloneOutsideTraining() {
        ContrastiveLoss crd = withIdentityHeads(0.5f, 3);

        crd.evaluate(new NDList(manager.ones(new Shape(2, 2))), new NDList(manager.ones(new Shape(2, 2))), new ParameterStore(manager, false), false);

        assertThat(crd.memory().size()).isZero();
    }

    @Test
    void shouldRefuseTeacherEmbeddingsOfAnotherWidth() {
        ContrastiveLoss crd = withIdentityHeads(0.5f, 3);

        assertThatThrownBy(() -> evaluate(crd, manager.ones(new Shape(1, 2)), manager.ones(new Shape(1, 3))))
                .hasMessageContaining("crd")
                .hasMessageContaining("width 2");
    }

    @Test
    void shouldRefuseAMeaninglessTemperature() {
        assertThatThrownBy(() -> new ContrastiveLoss(2, 2, 0f, 3)).hasMessageContaining("temperature");
    }

    private ContrastiveLoss withIdentityHeads(float temperature, int capacity) {
        ContrastiveLoss crd = new ContrastiveLoss(2, 2, temperature, capacity);
        crd.initialize(manager, 2);
        setParameters(crd.studentHead(), identity(2), new float[2]);
        setParameters(crd.teacherHead(), identity(2), new float[2]);
        return crd;
    }

    private static double[] unit(double x, double y) {
        double norm = Math.hypot(x, y);
        return new double[]{x / norm, y / norm};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1];
    }
}

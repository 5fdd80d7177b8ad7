package io.kdstream.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Values computed by hand for logits z = (1, 2, 3), teacher p = (0.2, 0.3, 0.5) at T = 2:
 * softmax(z / 2) = (0.186324, 0.307196, 0.506480), KL(p ‖ that) = 0.00061666, so T²·KL = 0.00246663;
 * softmax(z) = (0.090031, 0.244728, 0.665241), so CE for class 2 is −ln 0.665241 = 0.407606.
 */
class DistillationLossTest {

    private static final float[] LOGITS = {1, 2, 3};
    private static final float[] TEACHER = {0.2f, 0.3f, 0.5f};

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldBeTSquaredTimesKlWhenNoTrueLabelIsKnown() {
        float loss = evaluate(new DistillationLoss(2f, 0.5f), LOGITS, TEACHER, new float[]{-1}, 1);

        assertThat(loss).isCloseTo(0.0024666f, within(1e-6f));
    }

    @Test
    void shouldMixCrossEntropyAndKlWithAlphaWhenTheLabelIsKnown() {
        float loss = evaluate(new DistillationLoss(2f, 0.5f), LOGITS, TEACHER, new float[]{2}, 1);

        // 0.5 · 0.407606 + 0.5 · 0.0024666
        assertThat(loss).isCloseTo(0.2050363f, within(1e-5f));
    }

    @Test
    void shouldBePlainCrossEntropyWithAlphaZero() {
        float loss = evaluate(new DistillationLoss(2f, 0f), LOGITS, TEACHER, new float[]{2}, 1);

        assertThat(loss).isCloseTo(0.4076060f, within(1e-5f));
    }

    @Test
    void shouldAverageOverTheBatch() {
        float[] logits = {1, 2, 3, 1, 2, 3};
        float[] teacher = {0.2f, 0.3f, 0.5f, 0.2f, 0.3f, 0.5f};

        float loss = evaluate(new DistillationLoss(2f, 0.5f), logits, teacher, new float[]{-1, 2}, 2);

        assertThat(loss).isCloseTo((0.0024666f + 0.2050363f) / 2, within(1e-5f));
    }

    @Test
    void shouldBeZeroWhenTheStudentMatchesTheTeacherExactly() {
        float[] logits = {0.5f, -1f, 2f};
        float[] teacherAtT4 = {0.3182402f, 0.2187231f, 0.4630367f}; // softmax(logits / 4)

        float loss = evaluate(new DistillationLoss(4f, 1f), logits, teacherAtT4, new float[]{-1}, 1);

        assertThat(loss).isCloseTo(0f, within(1e-5f));
    }

    @Test
    void shouldRefuseMeaninglessSettings() {
        assertThatThrownBy(() -> new DistillationLoss(0f, 0.5f)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new DistillationLoss(2f, 1.5f)).hasMessageContaining("alpha");
    }

    private float evaluate(DistillationLoss loss, float[] logits, float[] teacher, float[] labels, int batch) {
        NDList predictions = new NDList(manager.create(logits, new Shape(batch, 3)));
        NDList targets = new NDList(manager.create(teacher, new Shape(batch, 3)), manager.create(labels, new Shape(batch)));
        return loss.evaluate(targets, predictions).getFloat();
    }
}

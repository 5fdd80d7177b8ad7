package io.kdstream.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.core.task.BuiltInTasks;
import org.junit.jupiter.api.Test;

class LabeledVectorsTest {

    private static final int SIZE = BuiltInTasks.TABULAR_RBF.inputSize();

    @Test
    void shouldServeEachRowOnTheModelScaleAndOnTheWire() {
        float[] values = new float[2 * SIZE];
        values[SIZE] = 4.5f;
        LabeledVectors data = new LabeledVectors(BuiltInTasks.TABULAR_RBF, values, new int[] {0, 4});

        assertThat(data.input(1)[0]).isEqualTo(4.5f);
        assertThat(BuiltInTasks.TABULAR_RBF.toModelInput(data.tensor(1))).containsExactly(data.input(1));
        assertThat(data.head(1).count()).isEqualTo(1);
        assertThat(data.labels()).containsExactly(0, 4);
    }

    @Test
    void shouldRefuseLabelsOutsideTheTaskAndRaggedValues() {
        assertThatThrownBy(() -> new LabeledVectors(BuiltInTasks.TABULAR_RBF, new float[SIZE], new int[] {5}))
                .hasMessageContaining("label 5 of example 0 is not a class of task tabular-rbf (0..4)");
        assertThatThrownBy(() -> new LabeledVectors(BuiltInTasks.TABULAR_RBF, new float[SIZE + 1], new int[] {1}))
                .hasMessageContaining("1 labels need 16 values");
    }

    @Test
    void shouldGiveFashionImagesTheirBuiltInTask() {
        LabeledImages images = new LabeledImages(new byte[784], new int[] {3}, 28, 28);

        assertThat(images.task()).isSameAs(BuiltInTasks.FASHION_MNIST);
        assertThat(images.task().toModelInput(images.tensor(0))).hasSize(784);
    }
}

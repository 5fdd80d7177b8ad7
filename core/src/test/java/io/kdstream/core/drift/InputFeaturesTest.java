package io.kdstream.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;
import org.junit.jupiter.api.Test;

class InputFeaturesTest {

    /** A 1×4×4 image with a 2×2 grid would need a 4-block task; the 4×4 grid on a 4×4 image has one pixel a block. */
    private static final TaskContract TINY_IMAGE = new TaskContract("tiny", DType.UINT8, List.of(1, 4, 4), 0f, 1f,
            List.of("a", "b"), List.of());

    @Test
    void shouldNameTheContractsFeaturesForVectors() {
        InputFeatures features = InputFeatures.of(BuiltInTasks.TABULAR_RBF, 64);

        assertThat(features.names()).hasSize(16).startsWith("x00", "x01").endsWith("x15");
        float[] input = new float[16];
        input[3] = 2.5f;
        assertThat(features.of(input)[3]).isEqualTo(2.5);
    }

    @Test
    void shouldBoundTheFeaturesOfWideVectors() {
        TaskContract wide = new TaskContract("wide", DType.FLOAT32, List.of(300), Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, List.of("a", "b"), List.of());

        InputFeatures features = InputFeatures.of(wide, 8);

        assertThat(features.names()).containsExactly("x00", "x01", "x02", "x03", "x04", "x05", "x06", "x07");
    }

    @Test
    void shouldSummariseImagesByBrightnessContrastSharpnessAndBlocks() {
        InputFeatures features = InputFeatures.of(BuiltInTasks.FASHION_MNIST, 64);

        assertThat(features.names()).hasSize(3 + InputFeatures.GRID * InputFeatures.GRID)
                .startsWith(InputFeatures.BRIGHTNESS, InputFeatures.CONTRAST, InputFeatures.SHARPNESS)
                .contains("block_0_0", "block_3_3");
    }

    /**
     * Left half 1, right half 0 on a 4×4 image: mean ½; variance ½ − ¼ = ¼, so contrast ½; of the 12 horizontal
     * neighbour pairs 4 differ by 1 (the middle column pair of each row), the 12 vertical pairs are equal: sharpness
     * 4/24 = ⅙; blocks are single pixels, 1 in columns 0–1 and 0 in columns 2–3.
     */
    @Test
    void shouldComputeImageStatisticsByHand() {
        float[] image = new float[16];
        for (int y = 0; y < 4; y++) {
            image[y * 4] = 1;
            image[y * 4 + 1] = 1;
        }

        double[] values = InputFeatures.of(TINY_IMAGE, 64).of(image);

        assertThat(values[0]).isCloseTo(0.5, within(1e-12));
        assertThat(values[1]).isCloseTo(0.5, within(1e-12));
        assertThat(values[2]).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(values[3]).isEqualTo(1.0);
        assertThat(values[4]).isEqualTo(1.0);
        assertThat(values[5]).isEqualTo(0.0);
        assertThat(values[3 + 15]).isEqualTo(0.0);
    }

    /** A 28×28 image splits into 4×4 blocks of 7×7 pixels; a bright top-left block shows only in block_0_0. */
    @Test
    void shouldAverageEachBlockOfAFashionMnistImage() {
        float[] image = new float[784];
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                image[y * 28 + x] = 1;
            }
        }

        double[] values = InputFeatures.of(BuiltInTasks.FASHION_MNIST, 64).of(image);

        assertThat(values[3]).isEqualTo(1.0);
        assertThat(values[4]).isEqualTo(0.0);
        assertThat(values[3 + 4]).isEqualTo(0.0);
        assertThat(values[0]).isCloseTo(49.0 / 784, within(1e-12));
    }
}

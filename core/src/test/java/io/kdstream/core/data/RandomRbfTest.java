package io.kdstream.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.core.task.BuiltInTasks;
import org.junit.jupiter.api.Test;

class RandomRbfTest {

    private final RandomRbf generator = RandomRbf.tabular();

    @Test
    void shouldMakeTheSameExamplesFromTheSameSeeds() {
        LabeledVectors first = RandomRbf.tabular().sample(200, 7);
        LabeledVectors again = RandomRbf.tabular().sample(200, 7);
        LabeledVectors other = RandomRbf.tabular().sample(200, 8);

        assertThat(again.values()).containsExactly(first.values());
        assertThat(again.labels()).containsExactly(first.labels());
        assertThat(other.values()).isNotEqualTo(first.values());
        assertThat(first.task()).isSameAs(BuiltInTasks.TABULAR_RBF);
    }

    @Test
    void shouldLabelEveryExampleWithTheFixedConceptAndUseEveryClass() {
        LabeledVectors sample = generator.sample(2_000, 1);
        int[] perClass = new int[5];
        for (int i = 0; i < sample.count(); i++) {
            assertThat(sample.label(i)).isEqualTo(generator.label(sample.input(i)));
            perClass[sample.label(i)]++;
        }

        assertThat(java.util.Arrays.stream(perClass).min().orElseThrow()).isGreaterThan(sample.count() / 10);
    }

    @Test
    void shouldMoveTrafficToTheSecondGroupOfCentresWhenShifted() {
        double natural = secondGroupShare(false);
        double shifted = secondGroupShare(true);

        assertThat(natural).isBetween(0.35, 0.65);
        assertThat(shifted).isGreaterThan(0.8);
    }

    @Test
    void shouldHoldOutASampleNoOtherSeedMakes() {
        LabeledVectors heldOut = generator.heldOut();

        assertThat(heldOut.count()).isEqualTo(RandomRbf.HELD_OUT_SIZE);
        assertThat(heldOut.values()).containsExactly(generator.heldOut().values());
        assertThat(generator.sample(10, 0).input(0)).isNotEqualTo(heldOut.input(0));
    }

    @Test
    void shouldRefuseTasksItCannotGenerate() {
        assertThatThrownBy(() -> new RandomRbf(BuiltInTasks.FASHION_MNIST, 50, 0.3f, 0.8f, 1))
                .hasMessageContaining("makes vectors").hasMessageContaining("[1, 28, 28]");
        assertThatThrownBy(() -> new RandomRbf(BuiltInTasks.TABULAR_RBF, 4, 0.3f, 0.8f, 1))
                .hasMessageContaining("4 centroids cannot cover the 5 classes");
        assertThatThrownBy(() -> new RandomRbf(BuiltInTasks.TABULAR_RBF, 50, 0f, 0.8f, 1))
                .hasMessageContaining("0 < min <= max");
    }

    /** The share of examples nearest (in spread units) to a centre of the second group, which draws most of them. */
    private double secondGroupShare(boolean shift) {
        RandomRbf.Stream stream = generator.stream(3);
        float[] x = new float[16];
        int second = 0;
        int total = 2_000;
        for (int i = 0; i < total; i++) {
            stream.next(x, shift);
            second += nearestGroup(x);
        }
        return (double) second / total;
    }

    private int nearestGroup(float[] x) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (RandomRbf.Centroid centroid : generator.centroids()) {
            double squared = 0;
            for (int j = 0; j < x.length; j++) {
                double d = x[j] - centroid.center()[j];
                squared += d * d;
            }
            double distance = squared / (centroid.spread() * centroid.spread());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = centroid.group();
            }
        }
        return best;
    }
}

package io.kdstream.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantileBinsTest {

    /** 0..9 in four bins: ranks floor(10/4) = 2, floor(20/4) = 5, floor(30/4) = 7 of the sorted sample. */
    @Test
    void shouldPlaceEdgesAtTheSampleQuantiles() {
        double[] sample = {9, 3, 0, 7, 1, 8, 2, 6, 5, 4};

        assertThat(QuantileBins.edges(sample, 4)).containsExactly(2, 5, 7);
    }

    @Test
    void shouldCountEdgesStrictlyBelowTheValue() {
        double[] edges = {2, 5, 7};

        assertThat(QuantileBins.bin(edges, -100)).isZero();
        assertThat(QuantileBins.bin(edges, 2)).isZero();
        assertThat(QuantileBins.bin(edges, 2.5)).isEqualTo(1);
        assertThat(QuantileBins.bin(edges, 7)).isEqualTo(2);
        assertThat(QuantileBins.bin(edges, 1e9)).isEqualTo(3);
    }

    @Test
    void shouldSpreadTheReferenceEvenlyOverTheBins() {
        double[] sample = new double[1000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = Math.sin(i) * 40;
        }
        double[] edges = QuantileBins.edges(sample, 10);
        int[] counts = new int[10];
        for (double value : sample) {
            counts[QuantileBins.bin(edges, value)]++;
        }

        for (int count : counts) {
            assertThat(count).isBetween(99, 101);
        }
    }

    @Test
    void shouldRefuseAnEmptySample() {
        assertThatThrownBy(() -> QuantileBins.edges(new double[0], 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty sample");
    }
}

package io.kdstream.core.drift;

import java.util.Arrays;

/**
 * Bins for one continuous feature whose edges are quantiles of a reference sample, so each bin holds about the same
 * share of the reference and PSI over the bins weighs every part of the reference distribution alike, whatever the
 * feature's scale or range (the tabular features are unbounded).
 *
 * <p>A value falls into bin {@code i} when exactly {@code i} edges lie strictly below it: values below the lowest
 * reference quantile land in bin 0, those above the highest in the last bin. Repeated values can make edges equal,
 * which leaves some bins empty on both sides; PSI counts such a bin as 0.
 */
public final class QuantileBins {

    private QuantileBins() {
    }

    /**
     * The {@code bins − 1} inner edges: the quantiles at 1/bins, 2/bins, … of {@code sample} (the value at the rank
     * {@code floor(q · n)} of the sorted sample).
     *
     * @throws IllegalArgumentException when the sample is empty or {@code bins} is below 2
     */
    public static double[] edges(double[] sample, int bins) {
        if (sample.length == 0 || bins < 2) {
            throw new IllegalArgumentException("quantile edges need a non-empty sample and at least 2 bins, but got "
                    + sample.length + " values and " + bins + " bins");
        }
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        double[] edges = new double[bins - 1];
        for (int i = 1; i < bins; i++) {
            edges[i - 1] = sorted[Math.min(sorted.length - 1, (int) ((long) i * sorted.length / bins))];
        }
        return edges;
    }

    /** The bin of {@code value}: how many of the sorted {@code edges} lie strictly below it. */
    public static int bin(double[] edges, double value) {
        int low = 0;
        int high = edges.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (edges[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}

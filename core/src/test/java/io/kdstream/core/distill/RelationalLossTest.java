package io.kdstream.core.distill;

import static io.kdstream.core.distill.FeatureLossTesting.evaluate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelationalLossTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldMatchDistancesNormalisedByTheirMean() {
        // given points 0, 1, 3 (distances 1, 3, 2, mean 2) and 0, 2, 4 (distances 2, 4, 2, mean 8/3):
        // ψ_s = (0.5, 1.5, 1), ψ_t = (0.75, 1.5, 0.75), differences (−0.25, 0, 0.25), smooth-L1 0.03125, 0, 0.03125
        float loss = evaluate(new RelationalLoss(25f, 0f), manager.create(new float[]{0, 1, 3}, new Shape(3, 1)),
                manager.create(new float[]{0, 2, 4}, new Shape(3, 1)));

        // then: the mean over pairs, 0.0625 / 3, times 25
        assertThat(loss).isCloseTo(25 * 0.0625f / 3, within(1e-5f));
    }

    @Test
    void shouldMatchTheAnglesOfTriplets() {
        // given a student triangle (0,0), (1,0), (0,1) and a teacher triangle (0,0), (1,0), (1,1):
        // cosines at the vertices are (0, 1/√2, 1/√2) and (1/√2, 0, 1/√2), so four of the six ordered triplets
        // differ by 1/√2, each costing ½·½ = 0.25 in smooth-L1
        float loss = evaluate(new RelationalLoss(0f, 50f), manager.create(new float[]{0, 0, 1, 0, 0, 1}, new Shape(3, 2)),
                manager.create(new float[]{0, 0, 1, 0, 1, 1}, new Shape(3, 2)));

        // then: 50 · 1.0 / 6
        assertThat(loss).isCloseTo(50f / 6, within(1e-4f));
    }

    @Test
    void shouldAgreeWithAPlainComputationOnALargerBatch() {
        // given five examples, student width 3 and teacher width 2
        float[] student = {0.3f, -1.2f, 0.8f, 1.5f, 0.2f, -0.4f, -0.7f, 0.9f, 1.1f, 0.0f, 0.4f, -1.3f, 2.0f, -0.5f, 0.6f};
        float[] teacher = {1.0f, 0.1f, -0.6f, 2.2f, 0.3f, -1.4f, 1.7f, 1.7f, -0.2f, 0.5f};

        float loss = evaluate(new RelationalLoss(), manager.create(student, new Shape(5, 3)), manager.create(teacher, new Shape(5, 2)));

        double expected = 25 * distanceLoss(rows(student, 3), rows(teacher, 2)) + 50 * angleLoss(rows(student, 3), rows(teacher, 2));
        assertThat((double) loss).isCloseTo(expected, within(1e-4 * Math.max(1, expected)));
    }

    @Test
    void shouldBeZeroForAScaledTeacher() {
        float[] student = {0.3f, -1.2f, 1.5f, 0.2f, -0.7f, 0.9f, 0.0f, 0.4f};

        float loss = evaluate(new RelationalLoss(), manager.create(student, new Shape(4, 2)), manager.create(student, new Shape(4, 2)).mul(3));

        assertThat(loss).isCloseTo(0f, within(1e-5f));
    }

    @Test
    void shouldBeZeroWithoutPairsOrTriplets() {
        assertThat(evaluate(new RelationalLoss(), manager.ones(new Shape(1, 4)), manager.zeros(new Shape(1, 2)))).isZero();
        // two examples have one distance (always 1 after normalising) and no triplet
        assertThat(evaluate(new RelationalLoss(), manager.create(new float[]{0, 1}, new Shape(2, 1)),
                manager.create(new float[]{0, 5}, new Shape(2, 1)))).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void shouldKeepGradientsFiniteWhereExamplesCoincide() {
        FeatureLossTesting.assertFiniteGradient(new RelationalLoss(), manager, new float[]{1, 1, 1, 1, 0, 2}, new Shape(3, 2),
                manager.create(new float[]{0, 0, 1, 0, 0, 1}, new Shape(3, 2)));
    }

    @Test
    void shouldNameBadWeights() {
        assertThatThrownBy(() -> new RelationalLoss(-1f, Float.POSITIVE_INFINITY))
                .hasMessageContaining("'distance'")
                .hasMessageContaining("'angle'");
    }

    private static double[][] rows(float[] values, int width) {
        double[][] rows = new double[values.length / width][width];
        for (int i = 0; i < values.length; i++) {
            rows[i / width][i % width] = values[i];
        }
        return rows;
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += (a[d] - b[d]) * (a[d] - b[d]);
        }
        return Math.sqrt(sum);
    }

    private static double smoothL1(double x) {
        return Math.abs(x) < 1 ? 0.5 * x * x : Math.abs(x) - 0.5;
    }

    private static double distanceLoss(double[][] s, double[][] t) {
        int n = s.length;
        double meanS = 0;
        double meanT = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    meanS += distance(s[i], s[j]);
                    meanT += distance(t[i], t[j]);
                }
            }
        }
        meanS /= n * (n - 1);
        meanT /= n * (n - 1);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    loss += smoothL1(distance(s[i], s[j]) / meanS - distance(t[i], t[j]) / meanT);
                }
            }
        }
        return loss / (n * (n - 1));
    }

    private static double cosine(double[][] x, int vertex, int j, int k) {
        double dot = 0;
        for (int d = 0; d < x[0].length; d++) {
            dot += (x[j][d] - x[vertex][d]) * (x[k][d] - x[vertex][d]);
        }
        return dot / (distance(x[j], x[vertex]) * distance(x[k], x[vertex]));
    }

    private static double angleLoss(double[][] s, double[][] t) {
        int n = s.length;
        double loss = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    if (i != j && i != k && j != k) {
                        loss += smoothL1(cosine(s, i, j, k) - cosine(t, i, j, k));
                    }
                }
            }
        }
        return loss / (n * (n - 1) * (n - 2));
    }
}

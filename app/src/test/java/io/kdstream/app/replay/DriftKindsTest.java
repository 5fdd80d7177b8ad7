package io.kdstream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.data.RandomRbf;
import io.kdstream.core.drift.Divergences;
import io.kdstream.core.drift.InputFeatures;
import io.kdstream.core.drift.QuantileBins;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each drift kind by hand on tiny inputs, then on real traffic: every kind moves some input feature the monitor watches
 * past the 0.25 PSI of KdInputDrift, while undrifted traffic stays below it, with the monitor's defaults (10 quantile
 * bins, a 500-input reference) and a 600-input window (20 inputs a second for 30 s).
 */
class DriftKindsTest {

    private static final TaskContract SQUARE = new TaskContract("square", DType.UINT8, List.of(1, 29, 29), 0f, 1f,
            List.of("a", "b"), List.of());
    private static final int REFERENCE = 500;
    private static final int WINDOW = 600;
    private static final int BINS = 10;

    @Test
    void shouldAddMeasuredGaussianNoiseReproduciblyPerExample() {
        float[] grey = filled(0.5f);

        float[] once = transform("noise", grey, 7);
        float[] again = transform("noise", grey, 7);
        float[] other = transform("noise", grey, 8);

        assertThat(once).isEqualTo(again).isNotEqualTo(other);
        double squares = 0;
        for (float value : once) {
            assertThat(value).isBetween(0f, 1f);
            squares += (value - 0.5) * (value - 0.5);
        }
        // σ = 0.3, less what clamping at 0 and 1 (beyond 1.67 σ, a tenth of the draws) takes off.
        assertThat(Math.sqrt(squares / once.length)).isBetween(0.25, 0.31);
    }

    @Test
    void shouldBrightenAndClamp() {
        float[] image = filled(0f);
        image[1] = 0.9f;

        float[] bright = transform("brightness", image, 0);

        assertThat(bright[0]).isCloseTo(0.3f, within(1e-6f));
        assertThat(bright[1]).isEqualTo(1f);
    }

    /** Alternating black and white, and one ½ to make the mean exactly ½: so 0 becomes ½ − 0.4·½ = 0.3 and 1 becomes 0.7. */
    @Test
    void shouldPullValuesTowardsTheImageMean() {
        float[] halves = new float[SQUARE.inputSize()];
        for (int i = 0; i < halves.length - 1; i += 2) {
            halves[i] = 1f;
        }
        halves[halves.length - 1] = 0.5f;

        float[] flat = transform("contrast", halves, 0);

        assertThat(flat[0]).isCloseTo(0.7f, within(1e-5f));
        assertThat(flat[1]).isCloseTo(0.3f, within(1e-5f));
        assertThat(flat[flat.length - 1]).isCloseTo(0.5f, within(1e-5f));
    }

    /** One white pixel in the middle spreads into a Gaussian of σ = 1: its own value falls, its mass stays. */
    @Test
    void shouldBlurAPointIntoItsNeighboursKeepingItsMass() {
        float[] point = filled(0f);
        point[14 * 29 + 14] = 1f;

        float[] blurred = transform("blur", point, 0);

        double centre = 1 / Math.pow(1 + 2 * Math.exp(-0.5) + 2 * Math.exp(-2), 2);
        assertThat(blurred[14 * 29 + 14]).isCloseTo((float) centre, within(1e-5f));
        assertThat(blurred[14 * 29 + 15]).isCloseTo((float) (centre * Math.exp(-0.5)), within(1e-5f));
        double mass = 0;
        for (float value : blurred) {
            mass += value;
        }
        assertThat(mass).isCloseTo(1, within(1e-5));
    }

    /**
     * A pixel 10 to the right of the centre (14, 14) turns 30° anticlockwise on screen to (14 + 10·cos 30°,
     * 14 − 10·sin 30°) = (22.66, 9): bilinear sampling splits it between columns 22 and 23 of row 9, mostly 23.
     */
    @Test
    void shouldRotateAnticlockwiseAboutTheCentre() {
        float[] image = filled(0f);
        image[14 * 29 + 24] = 1f;
        image[14 * 29 + 14] = 1f;

        float[] rotated = transform("rotation", image, 0);

        assertThat(rotated[14 * 29 + 14]).isCloseTo(1f, within(1e-5f));
        assertThat(rotated[9 * 29 + 23]).isGreaterThan(rotated[9 * 29 + 22]).isGreaterThan(0.4f);
        assertThat(rotated[14 * 29 + 24]).isZero();
    }

    @Test
    void shouldRescaleOnlyTheFirstFeature() {
        float[] input = {1.5f, 2f, -3f};
        LabeledExample example = new LabeledExample(input, 2);

        LabeledExample rescaled = Drift.parse("rescale@0s").transform(example, BuiltInTasks.TABULAR_RBF, 0);

        assertThat(rescaled.input()).containsExactly(15f, 2f, -3f);
        assertThat(rescaled.label()).isEqualTo(2);
        assertThat(input[0]).as("the source's example is left alone").isEqualTo(1.5f);
    }

    @Test
    void shouldRefuseImageCorruptionsOfVectorsAndRescaleOfImages() {
        ReplaySource tabular = ReplaySource.generated(RandomRbf.tabular(), 1);
        ReplaySource images = ReplaySource.cycling(new LabeledImages(new byte[784], new int[] {0}, 28, 28));

        assertThatThrownBy(() -> Drift.parse("blur@1s").requireFits(tabular))
                .hasMessageContaining("--drift blur needs a bounded value range, but task tabular-rbf is unbounded");
        assertThatThrownBy(() -> Drift.parse("rescale@1s").requireFits(images))
                .hasMessageContaining("--drift rescale rescales one feature of a vector, but task fashion-mnist takes images");
        assertThatThrownBy(() -> Drift.parse("sideways@1s")).hasMessageContaining(
                "expected one of none, invert, classmix, covariate, rescale, noise, brightness, contrast, blur, rotation");
    }

    /** Real Fashion-MNIST test images: the drifted window is seen, the undrifted one is not. */
    @ParameterizedTest
    @EnumSource(value = Drift.Kind.class, names = {"NOISE", "BRIGHTNESS", "CONTRAST", "BLUR", "ROTATION", "INVERT"})
    void shouldMoveAnImageFeatureTheMonitorWatches(Drift.Kind kind) {
        LabeledImages images = FashionMnist.load(FashionMnist.Split.TEST);
        TaskContract task = images.task();
        Drift drift = new Drift(kind, Duration.ZERO);
        List<float[]> reference = new ArrayList<>();
        List<float[]> steady = new ArrayList<>();
        List<float[]> drifted = new ArrayList<>();
        for (int i = 0; i < REFERENCE + WINDOW; i++) {
            float[] input = new float[task.inputSize()];
            images.writeInput(i, input, 0);
            (i < REFERENCE ? reference : steady).add(input);
            if (i >= REFERENCE) {
                drifted.add(drift.transform(new LabeledExample(input, images.label(i)), task, i).input());
            }
        }

        assertDetected(kind.label(), InputFeatures.of(task, 64), reference, steady, drifted);
    }

    @Test
    void shouldMoveTheRescaledTabularFeaturePastTheAlert() {
        assertThat(tabularPsi(Drift.Kind.RESCALE)).isGreaterThan(0.25);
    }

    /**
     * The random-RBF covariate shift moves traffic between two groups of centres spread over the whole space: each
     * feature's marginal barely changes, so per-feature PSI sees a moderate shift (0.1–0.25) only, below KdInputDrift.
     * A known limit of per-feature drift: a change of the joint distribution needs a multivariate test.
     */
    @Test
    void shouldSeeTheCovariateShiftOfTheTabularStreamAsModerateOnly() {
        assertThat(tabularPsi(Drift.Kind.COVARIATE)).isBetween(0.1, 0.25);
    }

    /** The largest per-feature PSI of a window of generated tabular traffic under {@code kind}; asserts none without. */
    private static double tabularPsi(Drift.Kind kind) {
        ReplaySource source = ReplaySource.generated(RandomRbf.tabular(), 42);
        Drift drift = new Drift(kind, Duration.ZERO);
        List<float[]> reference = new ArrayList<>();
        List<float[]> steady = new ArrayList<>();
        List<float[]> drifted = new ArrayList<>();
        for (int i = 0; i < REFERENCE + WINDOW; i++) {
            (i < REFERENCE ? reference : steady).add(source.next(false).input());
        }
        for (int i = 0; i < WINDOW; i++) {
            drifted.add(drift.transform(source.next(drift.shiftsCovariates()), source.task(), i).input());
        }

        return largestPsi(kind.label(), InputFeatures.of(source.task(), 64), reference, steady, drifted);
    }

    private static void assertDetected(String kind, InputFeatures features, List<float[]> reference, List<float[]> steady,
                                       List<float[]> drifted) {
        assertThat(largestPsi(kind, features, reference, steady, drifted)).as("largest PSI under %s", kind).isGreaterThan(0.25);
    }

    /** The largest per-feature PSI of {@code drifted}, printed with the feature; asserts that {@code steady} stays below 0.25. */
    private static double largestPsi(String kind, InputFeatures features, List<float[]> reference, List<float[]> steady,
                                     List<float[]> drifted) {
        double[] steadyPsi = psi(features, reference, steady);
        double[] driftedPsi = psi(features, reference, drifted);
        int top = argmax(driftedPsi);
        System.out.printf(Locale.ROOT, "drift %-10s: largest input PSI %.3f (%s); without drift %.3f (%s)%n", kind,
                driftedPsi[top], features.names().get(top), steadyPsi[argmax(steadyPsi)],
                features.names().get(argmax(steadyPsi)));
        assertThat(steadyPsi[argmax(steadyPsi)]).as("largest PSI without drift").isLessThan(0.25);
        return driftedPsi[top];
    }

    /** PSI of each feature between the two samples, over quantile bins of the first, as the monitor computes it. */
    private static double[] psi(InputFeatures features, List<float[]> reference, List<float[]> current) {
        double[][] ref = new double[features.count()][reference.size()];
        for (int r = 0; r < reference.size(); r++) {
            double[] values = features.of(reference.get(r));
            for (int f = 0; f < values.length; f++) {
                ref[f][r] = values[f];
            }
        }
        double[] psi = new double[features.count()];
        for (int f = 0; f < psi.length; f++) {
            double[] edges = QuantileBins.edges(ref[f], BINS);
            double[] expected = new double[BINS];
            for (double value : ref[f]) {
                expected[QuantileBins.bin(edges, value)]++;
            }
            double[] actual = new double[BINS];
            for (float[] input : current) {
                actual[QuantileBins.bin(edges, features.of(input)[f])]++;
            }
            psi[f] = Divergences.psi(expected, actual);
        }
        return psi;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float[] transform(String kind, float[] input, long sequence) {
        return Drift.parse(kind + "@0s").transform(new LabeledExample(input, 0), SQUARE, sequence).input();
    }

    private static float[] filled(float value) {
        float[] image = new float[SQUARE.inputSize()];
        Arrays.fill(image, value);
        return image;
    }
}

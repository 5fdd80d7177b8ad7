package io.kdstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.HashMap;
import java.util.Map;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.testing.RawScaleRows;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import org.junit.jupiter.api.Test;

/**
 * Raw-scale tabular features ({@link RawScaleRows}: an amount up to 500 beside an hour and a risk in 0..1, the class
 * depending on amount and risk together): a student learns them with {@code :norm}, and the statistics travel in its
 * weights.
 */
class InputStandardisationTest {

    private static final Architecture RAW = Architecture.parse("mlp:3-16-2");
    private static final Architecture NORM = Architecture.parse("mlp:3-16-2:norm");
    private static final int BATCH = 32;
    private static final int STEPS = 250;
    /** Batches of the statistics test, which steps over twice {@link InputStandardisation#ESTIMATED_FROM} examples. */
    private static final int LARGE_BATCH = 512;

    @Test
    void shouldLearnRawScaleFeaturesWithinAFewHundredSteps() {
        Examples test = examples(2000, 2);

        double standardised = trainAndScore(NORM, test);
        double raw = trainAndScore(RAW, test);
        System.out.printf("raw-scale features after %d steps of %d: accuracy %.3f with :norm, %.3f without%n", STEPS, BATCH, standardised, raw);

        assertThat(standardised).as("accuracy of " + NORM + " after " + STEPS + " steps (without :norm " + raw + ")")
                .isGreaterThan(0.9);
        assertThat(standardised).as("with :norm against without").isGreaterThan(raw + 0.05);
    }

    @Test
    void shouldCarryItsStatisticsInTheWeightsAndFreezeThem() {
        Examples train = examples(InputStandardisation.ESTIMATED_FROM * 2, 1);
        Examples probe = examples(8, 3);
        try (Learner learner = learner(NORM, null)) {
            // when it trains on twice the examples its statistics are estimated from
            train(learner, train, train.count / LARGE_BATCH, LARGE_BATCH);
            byte[] weights = learner.weights();

            // then the weights hold the mean and variance of the first ESTIMATED_FROM examples, and the count
            Map<String, float[]> statistics = statistics(weights);
            Moments first = Moments.of(train, InputStandardisation.ESTIMATED_FROM);
            assertThat(statistics.get("count")).containsExactly(InputStandardisation.ESTIMATED_FROM);
            for (int f = 0; f < 3; f++) {
                assertThat((double) statistics.get("mean")[f]).as("mean of feature " + f).isCloseTo(first.mean[f], within(1e-3 * (1 + Math.abs(first.mean[f]))));
                assertThat((double) statistics.get("variance")[f]).as("variance of feature " + f).isCloseTo(first.variance[f], within(1e-3 * first.variance[f]));
            }
            assertThat(statistics.get("mean")[0]).as("the amount's mean is on its raw scale").isBetween(230f, 270f);

            // and the gateway's classifier and a resumed learner answer as the learner does
            float[] expected = learner.probabilities(probe.inputs, probe.count, 1f);
            try (Classifier served = Classifier.fromWeights(NORM, weights, Device.cpu());
                 Learner resumed = learner(NORM, weights)) {
                assertThat(served.probabilities(probe.inputs, probe.count, 1f)).containsExactly(expected, within(1e-6f));
                assertThat(resumed.probabilities(probe.inputs, probe.count, 1f)).containsExactly(expected, within(1e-6f));

                // and the statistics stay frozen while the resumed learner trains on
                train(resumed, examples(BATCH * 4, 4), 4, BATCH);
                Map<String, float[]> after = statistics(resumed.weights());
                assertThat(after.get("mean")).containsExactly(statistics.get("mean"));
                assertThat(after.get("variance")).containsExactly(statistics.get("variance"));
                assertThat(after.get("count")).containsExactly(statistics.get("count"));
            }
        }
    }

    @Test
    void shouldStartAsTheIdentityAndIgnoreRowsThatAreNotFinite() {
        try (Learner learner = learner(NORM, null)) {
            Map<String, float[]> fresh = statistics(learner.weights());
            assertThat(fresh.get("mean")).containsExactly(0f, 0f, 0f);
            assertThat(fresh.get("variance")).containsExactly(1f, 1f, 1f);
            assertThat(fresh.get("count")).containsExactly(0f);

            // a batch of two rows, one with an infinite amount; the risk (feature 2) never varies
            float[] inputs = {100f, 3f, 0.5f, Float.POSITIVE_INFINITY, 4f, 0.5f};
            float[] teacher = {0.5f, 0.5f, 0.5f, 0.5f};
            learner.step(inputs, 2, teacher, new int[]{-1, -1});

            Map<String, float[]> after = statistics(learner.weights());
            assertThat(after.get("count")).containsExactly(1f);
            assertThat(after.get("mean")).containsExactly(100f, 3f, 0.5f);
            assertThat(after.get("variance")).containsExactly(0f, 0f, 0f);
            float[] probabilities = learner.probabilities(new float[]{100f, 3f, 0.7f}, 1, 1f);
            for (float p : probabilities) {
                assertThat(p).as("a constant feature is centred, not divided by zero").isFinite();
            }
        }
    }

    private static double trainAndScore(Architecture architecture, Examples test) {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        try (Learner learner = learner(architecture, null)) {
            train(learner, examples(STEPS * BATCH, 1), STEPS, BATCH);
            float[] probabilities = learner.probabilities(test.inputs, test.count, 1f);
            int correct = 0;
            for (int i = 0; i < test.count; i++) {
                int predicted = probabilities[2 * i + 1] > probabilities[2 * i] ? 1 : 0;
                correct += predicted == test.labels[i] ? 1 : 0;
            }
            return (double) correct / test.count;
        }
    }

    private static Learner learner(Architecture architecture, byte[] weights) {
        return new Learner(architecture, Device.cpu(), new DistillationLoss(1f, 0f), OptimizerSettings.DEFAULT, weights);
    }

    private static void train(Learner learner, Examples data, int steps, int batch) {
        float[] inputs = new float[batch * 3];
        int[] labels = new int[batch];
        float[] unusedTeacher = new float[batch * 2];
        for (int step = 0; step < steps; step++) {
            int from = (step * batch) % data.count;
            System.arraycopy(data.inputs, from * 3, inputs, 0, batch * 3);
            System.arraycopy(data.labels, from, labels, 0, batch);
            learner.step(inputs, batch, unusedTeacher, labels);
        }
    }

    /** The standardisation's parameters, read back from weight bytes the way the gateway reads them. */
    private static Map<String, float[]> statistics(byte[] weights) {
        try (Model model = Model.newInstance("read-back")) {
            Block block = NORM.newBlock();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, NORM.inputShape(1));
            block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(weights)));
            Map<String, float[]> statistics = new HashMap<>();
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                String name = parameter.getValue().getName();
                if (name.equals("mean") || name.equals("variance") || name.equals("count")) {
                    statistics.put(name, parameter.getValue().getArray().toFloatArray());
                }
            }
            assertThat(statistics).containsOnlyKeys("mean", "variance", "count");
            return statistics;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Examples examples(int n, long seed) {
        LabeledVectors rows = RawScaleRows.sample(n, seed);
        return new Examples(rows.values(), rows.labels(), n);
    }

    private record Examples(float[] inputs, int[] labels, int count) {
    }

    /** Population mean and variance of each feature over the first {@code n} rows, in double precision. */
    private record Moments(double[] mean, double[] variance) {
        static Moments of(Examples data, int n) {
            double[] mean = new double[3];
            double[] variance = new double[3];
            for (int f = 0; f < 3; f++) {
                for (int i = 0; i < n; i++) {
                    mean[f] += data.inputs[3 * i + f];
                }
                mean[f] /= n;
                for (int i = 0; i < n; i++) {
                    double d = data.inputs[3 * i + f] - mean[f];
                    variance[f] += d * d;
                }
                variance[f] /= n;
            }
            return new Moments(mean, variance);
        }
    }
}

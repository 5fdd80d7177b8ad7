package io.kdstream.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.testing.FashionSlices;
import org.junit.jupiter.api.Test;

class LearnerTest {

    private static final Architecture SMALL_MLP = Architecture.parse("mlp:784-32-10");

    @Test
    void shouldLearnFashionMnistFromHardLabelsOnASmallSlice() {
        LabeledImages train = FashionSlices.train(3000);
        LabeledImages test = FashionSlices.test(1000);
        try (Learner learner = new Learner(SMALL_MLP, Device.cpu(), new DistillationLoss(1f, 0f), OptimizerSettings.DEFAULT, null)) {
            float before = accuracy(learner, test);

            for (int epoch = 0; epoch < 3; epoch++) {
                trainOneEpoch(learner, train, 64);
            }

            float after = accuracy(learner, test);
            assertThat(before).isLessThan(0.3f);
            assertThat(after).as("accuracy after 3 epochs on 3,000 images").isGreaterThan(0.70f);
        }
    }

    @Test
    void shouldServeTheSameProbabilitiesFromItsWeightsAndResumeFromThem() {
        LabeledImages train = FashionSlices.train(512);
        float[] inputs = new float[8 * 784];
        for (int i = 0; i < 8; i++) {
            train.writeUnitFloats(i, inputs, i * 784);
        }
        try (Learner learner = new Learner(SMALL_MLP, Device.cpu(), new DistillationLoss(2f, 0.5f), OptimizerSettings.DEFAULT, null)) {
            trainOneEpoch(learner, train, 64);
            float[] expected = learner.probabilities(inputs, 8, 2f);
            byte[] weights = learner.weights();

            try (Classifier served = Classifier.fromWeights(SMALL_MLP, weights, Device.cpu());
                 Learner resumed = new Learner(SMALL_MLP, Device.cpu(), new DistillationLoss(2f, 0.5f), OptimizerSettings.DEFAULT, weights)) {
                float[] fromServed = served.probabilities(inputs, 8, 2f);
                float[] fromResumed = resumed.probabilities(inputs, 8, 2f);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(fromServed[i]).isCloseTo(expected[i], within(1e-6f));
                    assertThat(fromResumed[i]).isCloseTo(expected[i], within(1e-6f));
                }
                // the resumed learner keeps training from those weights
                float loss = resumed.step(inputs, 8, expected, new int[]{0, 1, 2, 3, 4, 5, 6, 7});
                assertThat(loss).isFinite();
            }
        }
    }

    @Test
    void shouldSkipAStepWhoseLossIsNotFiniteAndStayHealthy() {
        // given a teacher row with a NaN in it
        try (Learner learner = new Learner(SMALL_MLP, Device.cpu(), new DistillationLoss(2f, 1f), OptimizerSettings.DEFAULT, null, 1f)) {
            byte[] before = learner.weights();
            float[] teacher = new float[10];
            teacher[0] = Float.NaN;

            // when
            float loss = learner.step(new float[784], 1, teacher, new int[]{-1});

            // then nothing moved
            assertThat(loss).isNaN();
            assertThat(learner.weights()).isEqualTo(before);
            assertThat(learner.steps()).isZero();
            assertThat(learner.healthy()).isTrue();
        }
    }

    @Test
    void shouldScaleGradientsDownToTheClipNorm() {
        // given two SGD learners from the same weights, one clipping at a norm far below the gradients' norm
        OptimizerSettings sgd = new OptimizerSettings("sgd", 0.1f, "fixed", 1, 0f);
        float[] inputs = new float[4 * 784];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (i % 7) / 7f;
        }
        float[] teacher = new float[40];
        for (int i = 0; i < 4; i++) {
            teacher[i * 10 + i] = 1f;
        }
        int[] labels = {0, 1, 2, 3};
        byte[] start;
        try (Learner fresh = new Learner(SMALL_MLP, Device.cpu(), new DistillationLoss(1f, 0.5f), sgd, null)) {
            start = fresh.weights();
        }
        try (Learner free = new Learner(SMALL_MLP, Device.cpu(), new DistillationLoss(1f, 0.5f), sgd, start, 1e6f);
             Learner clipped = new Learner(SMALL_MLP, Device.cpu(), new DistillationLoss(1f, 0.5f), sgd, start, 1e-3f)) {
            float[] atStart = free.probabilities(inputs, 4, 1f);

            // when both take the same step
            free.step(inputs, 4, teacher, labels);
            clipped.step(inputs, 4, teacher, labels);

            // then the clipped one moved its outputs a little, and far less than the other (norm ≈ 7 against a clip of 0.001)
            double norm = free.lastGradientNorm();
            assertThat(norm).isGreaterThan(0.01);
            double freeMove = distance(free.probabilities(inputs, 4, 1f), atStart);
            double clippedMove = distance(clipped.probabilities(inputs, 4, 1f), atStart);
            assertThat(clippedMove).isPositive().isLessThan(freeMove / 100);
            assertThat(clipped.healthy()).isTrue();
        }
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    static void trainOneEpoch(Learner learner, LabeledImages data, int batch) {
        float[] inputs = new float[batch * 784];
        float[] unusedTeacher = new float[batch * 10];
        int[] labels = new int[batch];
        for (int start = 0; start + batch <= data.count(); start += batch) {
            for (int i = 0; i < batch; i++) {
                data.writeUnitFloats(start + i, inputs, i * 784);
                labels[i] = data.labels()[start + i];
                for (int c = 0; c < 10; c++) {
                    unusedTeacher[i * 10 + c] = 0.1f;
                }
            }
            learner.step(inputs, batch, unusedTeacher, labels);
        }
    }

    static float accuracy(Learner learner, LabeledImages data) {
        float[] inputs = new float[data.count() * 784];
        for (int i = 0; i < data.count(); i++) {
            data.writeUnitFloats(i, inputs, i * 784);
        }
        float[] probabilities = learner.probabilities(inputs, data.count(), 1f);
        int correct = 0;
        for (int i = 0; i < data.count(); i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (probabilities[i * 10 + c] > probabilities[i * 10 + best]) {
                    best = c;
                }
            }
            correct += best == data.labels()[i] ? 1 : 0;
        }
        return (float) correct / data.count();
    }
}

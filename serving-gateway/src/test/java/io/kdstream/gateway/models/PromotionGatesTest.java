package io.kdstream.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.HoldoutScores;
import org.junit.jupiter.api.Test;

class PromotionGatesTest {

    private final PromotionGates gates = new PromotionGates(0.6, 0.05, Device.cpu());
    private final byte[] weights = TestCheckpoints.trainedWeights();

    @Test
    void shouldNotLetAPerfectScoreOnAFewExamplesBlockLaterCheckpoints() {
        Checkpoint served = scored(5, 1.0f, 3);
        Checkpoint candidate = scored(6, 0.88f, 1000);

        PromotionGates.Verdict verdict = gates.evaluate(candidate, weights, served);

        assertThat(verdict.passed()).as("verdict %s: %s", verdict.reason(), verdict.detail()).isTrue();
        verdict.classifier().close();
    }

    @Test
    void shouldRefuseAClearDropMeasuredOnLargeHoldouts() {
        Checkpoint served = scored(5, 0.95f, 2000);
        Checkpoint candidate = scored(6, 0.85f, 2000);

        PromotionGates.Verdict verdict = gates.evaluate(candidate, weights, served);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).isEqualTo(RefusalReasons.AGREEMENT_DROP);
        assertThat(verdict.detail()).contains("0.8500 (2000 examples)").contains("version 5's 0.9500");
    }

    @Test
    void shouldServeACheckpointOfAnyTaskWhenNothingIsServedAndNoTaskIsPinned() {
        Checkpoint tabular = TestCheckpoints.tabularManifest("student", 1, TestCheckpoints.tabularWeights(), 0.8f);

        PromotionGates.Verdict verdict = gates.evaluate(tabular, TestCheckpoints.tabularWeights(), null);

        assertThat(verdict.passed()).as("verdict %s: %s", verdict.reason(), verdict.detail()).isTrue();
        assertThat(verdict.classifier().classes()).isEqualTo(5);
        verdict.classifier().close();
    }

    @Test
    void shouldRefuseACheckpointWhoseArchitectureDoesNotFitItsOwnTask() {
        Checkpoint misfit = Checkpoint.newBuilder(TestCheckpoints.manifest("student", 1, weights, 0.8f))
                .setTask(BuiltInTasks.TABULAR_RBF.toAvro())
                .build();

        PromotionGates.Verdict verdict = gates.evaluate(misfit, weights, null);

        assertThat(verdict.reason()).isEqualTo(RefusalReasons.BAD_ARCHITECTURE);
        assertThat(verdict.detail()).contains("mlp:784-16-10 takes 784 inputs").contains("task tabular-rbf has 16 inputs");
    }

    @Test
    void shouldRefuseACheckpointOfAnotherTaskThanTheServedOne() {
        Checkpoint served = TestCheckpoints.manifest("student", 1, weights, 0.8f);
        Checkpoint tabular = TestCheckpoints.tabularManifest("student", 2, TestCheckpoints.tabularWeights(), 0.8f);

        PromotionGates.Verdict verdict = gates.evaluate(tabular, TestCheckpoints.tabularWeights(), served);

        assertThat(verdict.reason()).isEqualTo(RefusalReasons.TASK_MISMATCH);
        assertThat(verdict.detail()).contains("task tabular-rbf is not task fashion-mnist").contains("served by version 1");
    }

    @Test
    void shouldRefuseACheckpointOfAnotherTaskThanTheTaskSettingPinsEvenWhenNothingIsServed() {
        PromotionGates tabularOnly = new PromotionGates(0.6, 0.05, Device.cpu(), BuiltInTasks.TABULAR_RBF);
        Checkpoint fashion = TestCheckpoints.manifest("student", 1, weights, 0.8f);

        PromotionGates.Verdict verdict = tabularOnly.evaluate(fashion, weights, null);

        assertThat(verdict.reason()).isEqualTo(RefusalReasons.TASK_MISMATCH);
        assertThat(verdict.detail()).contains("task fashion-mnist is not task tabular-rbf").contains("task setting");
    }

    @Test
    void shouldMakeTheGoldenBatchInsideABoundedRangeAndStandardNormalWhenUnbounded() {
        float[] images = PromotionGates.goldenBatch(BuiltInTasks.FASHION_MNIST);
        float[] vectors = PromotionGates.goldenBatch(BuiltInTasks.TABULAR_RBF);

        assertThat(images).hasSize(PromotionGates.GOLDEN_ROWS * 784);
        for (float value : images) {
            assertThat(value).isBetween(0f, 1f);
        }
        assertThat(vectors).hasSize(PromotionGates.GOLDEN_ROWS * 16);
        double sumOfSquares = 0;
        for (float value : vectors) {
            sumOfSquares += value * value;
        }
        assertThat(sumOfSquares / vectors.length).isBetween(0.6, 1.4);
    }

    @Test
    void shouldComputeTheStandardErrorFromSmoothedRates() {
        // (0.9·100 + 1) / 102 = 0.892157; 0.892157 · 0.107843 / 100 = 0.00096213; √(2 · 0.00096213) = 0.043866
        HoldoutScores scores = new HoldoutScores(100, 0.9f, 0.1f, null, null);

        assertThat(PromotionGates.standardErrorOfDifference(scores, scores)).isCloseTo(0.043866, within(1e-5));
    }

    private Checkpoint scored(long version, float agreement, int examples) {
        Checkpoint manifest = TestCheckpoints.manifest("student", version, weights, agreement);
        manifest.setHoldout(new HoldoutScores(examples, agreement, 0.1f, null, null));
        return manifest;
    }
}

package io.kdstream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchFiguresTest {

    @TempDir
    Path folder;

    @Test
    void shouldScoreAccuracyAgainstLabelsAndAgreementAgainstTheTeacher() {
        // given three test examples over two classes, the teacher right on the first two
        TestSet test = new TestSet(new float[3], new int[]{0, 1, 1}, new int[]{0, 1, 0}, 2);

        // when the student predicts classes 0, 0, 0
        TestSet.Score score = test.score(new float[]{0.9f, 0.1f, 0.6f, 0.4f, 0.7f, 0.3f});

        // then
        assertThat(score.accuracy()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(score.agreement()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(test.teacherAccuracy()).isCloseTo(2 / 3.0, within(1e-9));
    }

    @Test
    void shouldCountTheReplaysOfAStreamedExampleAsUpdates() {
        // given batches of 64 with replay 0.8: 13 new examples and 51 replayed in each
        QualityBenchmark.Settings settings = new QualityBenchmark.Settings("mlp:784-16-10", 2f, 0.8f, 1e-3f, 64, 0.8, 1000, 5,
                100, "cpu");

        // then each streamed example takes part in 64 / 13 updates, as many as about five offline epochs
        assertThat(settings.updatesPerStreamedExample()).isCloseTo(64 / 13.0, within(1e-9));
        assertThat(QualityBenchmark.Settings.DEFAULT.updatesPerStreamedExample())
                .isCloseTo(QualityBenchmark.Settings.DEFAULT.offlineEpochs(), within(0.1));
    }

    @Test
    void shouldNameEveryBadQualitySettingBeforeTraining() {
        assertThatThrownBy(() -> new QualityBenchmark.Settings("mlp:784-10", 0f, 1.5f, 1e-3f, 64, 0.95, 0, 5, 100, "cpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("temperature must be > 0 but is 0.0")
                .hasMessageContaining("alpha must be in [0, 1] but is 1.5")
                .hasMessageContaining("replay fraction must be in [0, 0.9] but is 0.95")
                .hasMessageContaining("replay needs a buffer of at least 1 example");
    }

    @Test
    void shouldDrawThePlotAsAPng() throws IOException {
        Curve curve = new Curve("online");
        curve.add(5000, new TestSet.Score(0.80, 0.85));
        curve.add(10_000, new TestSet.Score(0.83, 0.88));
        Path plot = folder.resolve("plots/quality.png");

        AccuracyPlot.write(plot, "test", List.of(curve), 0.91);

        byte[] bytes = Files.readAllBytes(plot);
        assertThat(bytes.length).isGreaterThan(1000);
        assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        assertThat(curve.last().accuracy()).isEqualTo(0.83);
    }
    @Test
    void shouldMeasureTheDeepestFallBelowTheBestBeforeItAfterWarmUp() {
        // given a curve that climbs, falls off a cliff at 6,000 examples and climbs back
        Curve curve = new Curve("online");
        double[] accuracies = {0.3, 0.7, 0.85, 0.88, 0.87, 0.19, 0.80, 0.83};
        for (int i = 0; i < accuracies.length; i++) {
            curve.add((i + 1) * 1000L, new TestSet.Score(accuracies[i], 0.9));
        }

        // then the cliff counts from the best before it (0.88), and the warm-up dip from 0.3 does not
        assertThat(curve.maxDropAfterWarmUp(0.2)).isCloseTo(0.69, within(1e-9));
        Curve steady = new Curve("steady");
        steady.add(1000, new TestSet.Score(0.5, 0.5));
        steady.add(2000, new TestSet.Score(0.6, 0.6));
        assertThat(steady.maxDropAfterWarmUp(0.2)).isZero();
    }

    @Test
    void shouldTakeTheMedianOfOddAndEvenCounts() {
        assertThat(QualityBenchmark.median(List.of(0.9, 0.2, 0.5))).isEqualTo(0.5);
        assertThat(QualityBenchmark.median(List.of(0.9, 0.2, 0.5, 0.6))).isCloseTo(0.55, within(1e-9));
    }

    @Test
    void shouldReportTheCompressionRatioAndLatenciesOfBothModelsMeasuredAlike() {
        // given a wide and a narrow MLP over the same inputs
        Architecture wide = Architecture.parse("mlp:784-64-10");
        Architecture narrow = Architecture.parse("mlp:784-8-10");
        TestSet test = new TestSet(new float[QualityBenchmark.LATENCY_BATCH * 784], new int[QualityBenchmark.LATENCY_BATCH],
                new int[QualityBenchmark.LATENCY_BATCH], 10);
        try (Classifier teacher = fresh(wide); Classifier student = fresh(narrow)) {
            // when
            Map<String, Object> figures = QualityBenchmark.sizesAndLatencies(teacher, student, test);

            // then parameters are counted from the blocks (784*64+64+64*10+10 against 784*8+8+8*10+10)
            assertThat(figures).containsEntry("teacher_params", 50_890L).containsEntry("student_params", 6_370L)
                    .containsEntry("compression_ratio", 7.989);
            assertThat(figures).containsKeys("teacher_forward_ms_per_example", "student_forward_ms_per_example",
                    "teacher_forward_ms_per_batch", "student_forward_ms_per_batch");
            assertThat((Double) figures.get("student_forward_ms_per_batch")).isPositive();
        }
    }

    private static Classifier fresh(Architecture architecture) {
        try (Learner learner = new Learner(architecture, Device.cpu(), new DistillationLoss(1f, 0f), OptimizerSettings.DEFAULT, null)) {
            return Classifier.fromWeights(architecture, learner.weights(), Device.cpu());
        }
    }

    @Test
    void shouldTakeTheMedianOfTheTeacherRoundsRatios() {
        assertThat(TeacherBenchmark.median(List.of(0.9, 0.5, 1.1, 0.95, 0.7))).isEqualTo(0.9);
        assertThat(TeacherBenchmark.median(List.of(0.8, 0.6, 1.0, 0.9))).isCloseTo(0.85, within(1e-12));
    }

    @Test
    void shouldSizeTeacherRoundsToSecondsOfRawWorkInWholeBatches() {
        // 2,000 labels/s for 4 s in batches of 64: 125 batches
        assertThat(TeacherBenchmark.autoRoundSize(2_000, 64)).isEqualTo(8_000);
        // a slow teacher still gets enough events per round, a fast one no more than 50,000
        assertThat(TeacherBenchmark.autoRoundSize(10, 64)).isEqualTo(1_000);
        assertThat(TeacherBenchmark.autoRoundSize(1e6, 64)).isEqualTo(50_000);
    }

    @Test
    void shouldTellThePipelineThreadsApartByName() {
        assertThat(PipelineProfile.role("kd-teacher-inference")).isEqualTo("inference");
        assertThat(PipelineProfile.role("bench-raw")).isEqualTo("inference");
        assertThat(PipelineProfile.role("kd-teacher-3f2a1b0c")).isEqualTo("poll");
        assertThat(PipelineProfile.role("kafka-producer-network-thread | kd-teacher-3f2a1b0c-producer")).isEqualTo("producer_io");
        assertThat(PipelineProfile.role("kafka-producer-network-thread | bench-traffic")).isEqualTo("bench_clients");
        assertThat(PipelineProfile.role("bench-label-reader")).isEqualTo("bench_clients");
        assertThat(PipelineProfile.role("data-plane-kafka-request-handler-3")).isEqualTo("broker");
    }

    @Test
    void shouldCountTheShareOfPublishedCheckpointsServedAndTheLongestGap() {
        // given checkpoints 1..4 published at 10, 12, 14 and 16 s, trained on events up to 9, 11, 13 and 15 s,
        // of which the gateway served 1 at 10.5 s and 4 at 17 s (2 and 3 were skipped or refused)
        java.util.Map<Long, FreshnessBenchmark.Published> published = new java.util.TreeMap<>();
        for (long v = 1; v <= 4; v++) {
            published.put(v, new FreshnessBenchmark.Published(v, 8_000 + 2_000 * v, 7_000 + 2_000 * v));
        }
        List<long[]> served = List.of(new long[]{1, 10_500}, new long[]{4, 17_000});
        FreshnessBenchmark.Settings settings = new FreshnessBenchmark.Settings(folder, java.time.Duration.ofSeconds(10),
                java.time.Duration.ZERO, 1, java.time.Duration.ofSeconds(2));

        // when events sent at 8.5 s and 12 s are measured from 8 s, traffic ending at 18 s
        Map<String, Object> figures = FreshnessBenchmark.figures(settings, new long[]{8_500, 12_000}, 8_000, 18_000, served, published);

        // then two of four checkpoints were served; the first event waited 2 s, the second 5 s; 6.5 s passed between swaps
        assertThat(figures).containsEntry("checkpoints_published", 4).containsEntry("checkpoints_served", 2L)
                .containsEntry("served_share", 0.5).containsEntry("p50_s", 2.0).containsEntry("max_s", 5.0)
                .containsEntry("longest_gap_between_served_s", 6.5);
    }
}

package io.kdstream.monitor;

import static io.kdstream.monitor.testing.MonitorRecords.chunkKey;
import static io.kdstream.monitor.testing.MonitorRecords.groundTruth;
import static io.kdstream.monitor.testing.MonitorRecords.key;
import static io.kdstream.monitor.testing.MonitorRecords.manifest;
import static io.kdstream.monitor.testing.MonitorRecords.manifestKey;
import static io.kdstream.monitor.testing.MonitorRecords.prediction;
import static io.kdstream.monitor.testing.MonitorRecords.softLabel;
import static io.kdstream.monitor.testing.MonitorRecords.softLabelOfClass;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.monitor.testing.MonitorRecords;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology under TopologyTestDriver, against figures computed by hand (the arithmetic is in each javadoc). */
class MonitorTopologyTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
    private static final double TOLERANCE = 1e-6;

    @TempDir
    Path stateDir;
    @TempDir
    Path taskDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> predictions;
    private TestInputTopic<byte[], byte[]> labels;
    private TestInputTopic<byte[], byte[]> truths;
    private TestInputTopic<byte[], byte[]> checkpoints;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    /** Three classes of 28x28 images ({@link MonitorRecords#threeClassTask}), a 1 s join window with 0.5 s grace, 1 s drift windows and references of at least 4 records. */
    private void start() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("task", MonitorRecords.threeClassTask(taskDir).toString());
        settings.put("join.window.ms", "1000");
        settings.put("join.grace.ms", "500");
        settings.put("ground.truth.window.ms", "5000");
        settings.put("quality.window.ms", "10000");
        settings.put("drift.window.ms", "1000");
        settings.put("drift.reference.ms", "1000");
        settings.put("drift.min.samples", "4");
        settings.put("metrics.versions.kept", "2");
        settings.put("state.dir", stateDir.toString());
        driver = MonitorDrivers.start(settings, registry, T0);
        predictions = input("kd-predictions");
        labels = input("kd-soft-labels");
        truths = input("kd-ground-truth");
        checkpoints = input("kd-checkpoints");
        deadLetters = driver.createOutputTopic("kd-dead-letters", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    /**
     * Teacher at T = 1: p = (0.5, 0.25, 0.25), sent softened at T = 2 as q ∝ √p; re-tempered, it is p again.
     * r1: student (0.8, 0.1, 0.1), top 0 = teacher's top 0, agrees;
     *     KL = 0.5·ln(0.5/0.8) + 2·0.25·ln(0.25/0.1) = 0.5·ln 0.625 + 0.5·ln 2.5 = 0.5·ln 1.5625 = ln 1.25 = 0.2231436.
     * r2: student (0.25, 0.5, 0.25), top 1 ≠ 0, disagrees;
     *     KL = 0.5·ln(0.5/0.25) + 0.25·ln(0.25/0.5) + 0.25·ln 1 = 0.25·ln 2 = 0.1732868.
     * Version 7: agreement 1/2, mean KL (0.2231436 + 0.1732868) / 2 = 0.1982152.
     * Had the softened q been compared, r1's KL would be 0.4142·ln(0.4142/0.8) + 2·0.2929·ln(0.2929/0.1) = 0.3564.
     */
    @Test
    void shouldMeasureAgreementAndKlAgainstTheTeacherAtTemperatureOne() {
        start();
        float[] atT2 = softened(0.5, 0.25, 0.25);

        predictions.pipeInput(key("r1"), prediction("r1", T0, 7, 0.8f, 0.1f, 0.1f), T0);
        labels.pipeInput(key("r1"), softLabel("r1", T0, 2f, null, atT2), T0.plusMillis(100));
        predictions.pipeInput(key("r2"), prediction("r2", T0, 7, 0.25f, 0.5f, 0.25f), T0.plusMillis(200));
        labels.pipeInput(key("r2"), softLabel("r2", T0, 2f, null, atT2), T0.plusMillis(300));

        assertThat(gauge(MonitorMetrics.AGREEMENT, "model_version", "7")).isEqualTo(0.5);
        assertThat(gauge(MonitorMetrics.KL, "model_version", "7")).isCloseTo((Math.log(1.25) + 0.25 * Math.log(2)) / 2, within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.KL, "model_version", "7")).isCloseTo(0.1982152, within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.ACCURACY, "model_version", "7")).isNaN();
        assertThat(registry.get(MonitorMetrics.MATCHED).counter().count()).isEqualTo(2);
    }

    /**
     * r1 carries true label 0 in its soft label and the student said 0: right. r2 has no true label in its soft label;
     * kd-ground-truth later says 0 and the student said 1: wrong. Accuracy 1/1, then 1/2. A second true label for r1
     * on kd-ground-truth is the same request scored again and is ignored: still 1/2.
     */
    @Test
    void shouldScoreEachRequestOnceFromSoftLabelsAndGroundTruth() {
        start();
        predictions.pipeInput(key("r1"), prediction("r1", T0, 7, 0.8f, 0.1f, 0.1f), T0);
        labels.pipeInput(key("r1"), softLabel("r1", T0, 1f, 0, 0.6f, 0.2f, 0.2f), T0.plusMillis(100));
        predictions.pipeInput(key("r2"), prediction("r2", T0, 7, 0.25f, 0.5f, 0.25f), T0.plusMillis(200));
        labels.pipeInput(key("r2"), softLabel("r2", T0, 1f, null, 0.6f, 0.2f, 0.2f), T0.plusMillis(300));
        assertThat(gauge(MonitorMetrics.ACCURACY, "model_version", "7")).isEqualTo(1.0);

        truths.pipeInput(key("r2"), groundTruth("r2", T0, 0), T0.plusMillis(2000));
        assertThat(gauge(MonitorMetrics.ACCURACY, "model_version", "7")).isEqualTo(0.5);

        truths.pipeInput(key("r1"), groundTruth("r1", T0, 2), T0.plusMillis(2100));
        assertThat(gauge(MonitorMetrics.ACCURACY, "model_version", "7")).isEqualTo(0.5);
    }

    /**
     * r3 never gets a label: once stream time passes its window and grace (T0 + 1 s + 0.5 s) it is counted as
     * no_label. r1's label arrives twice and r4's prediction twice: each second join result is a duplicate.
     */
    @Test
    void shouldCountPredictionsWithoutLabelsAndDuplicatesWithoutFailing() {
        start();
        float[] teacher = {0.6f, 0.2f, 0.2f};
        predictions.pipeInput(key("r3"), prediction("r3", T0, 7, 0.8f, 0.1f, 0.1f), T0);
        predictions.pipeInput(key("r1"), prediction("r1", T0, 7, 0.8f, 0.1f, 0.1f), T0.plusMillis(100));
        labels.pipeInput(key("r1"), softLabel("r1", T0, 1f, null, teacher), T0.plusMillis(150));
        labels.pipeInput(key("r1"), softLabel("r1", T0, 1f, null, teacher), T0.plusMillis(200));
        predictions.pipeInput(key("r4"), prediction("r4", T0, 7, 0.8f, 0.1f, 0.1f), T0.plusMillis(300));
        labels.pipeInput(key("r4"), softLabel("r4", T0, 1f, null, teacher), T0.plusMillis(350));
        predictions.pipeInput(key("r4"), prediction("r4", T0, 7, 0.8f, 0.1f, 0.1f), T0.plusMillis(400));
        assertThat(unmatched(MonitorMetrics.NO_LABEL)).isZero();

        // Non-joined results are emitted at most once per wall-clock second, on the next record past the grace.
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        predictions.pipeInput(key("r9"), prediction("r9", T0, 7, 0.8f, 0.1f, 0.1f), T0.plusMillis(3000));

        assertThat(unmatched(MonitorMetrics.NO_LABEL)).isEqualTo(1);
        assertThat(unmatched(MonitorMetrics.DUPLICATE)).isEqualTo(2);
        assertThat(registry.get(MonitorMetrics.MATCHED).counter().count()).isEqualTo(2);
        assertThat(gauge(MonitorMetrics.AGREEMENT, "model_version", "7")).isEqualTo(1.0);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    /**
     * Reference (first 1 s): classes 0,0,0,0,1,1,1,1,2,2 at 100 ms steps, e = (0.4, 0.4, 0.2). The same mix for the
     * next second keeps the current window (the last ten 100 ms steps) at e: PSI 0. Then only class 0 arrives; after
     * k such records the window holds k zeros and the last 10 − k records of the stable mix:
     * k = 6: counts (6, 2, 2), a = (0.6, 0.2, 0.2): PSI = 0.2·ln(0.6/0.4) − 0.2·ln(0.2/0.4) = 0.2·ln 3 = 0.2197 (below 0.25);
     * k = 7: counts (7, 1, 2), a = (0.7, 0.1, 0.2): PSI = 0.3·ln(0.7/0.4) − 0.3·ln(0.1/0.4) = 0.3·ln 7 = 0.5838 (above);
     * k = 10: a = (1, ε, ε), ε = 1e-4: PSI = 0.6·ln 2.5 + (0.4 − ε)·ln(0.4/ε) + (0.2 − ε)·ln(0.2/ε) = 5.385985;
     *         m = (0.7, 0.2, 0.1): JS = ½·(0.4·ln(4/7) + 0.4·ln 2 + 0.2·ln 2) + ½·ln(1/0.7) = 0.2743585.
     * Every teacher label is (0.5, 0.25, 0.25) rotated, entropy 0.5·ln 2 + 0.5·ln 4 = 1.5·ln 2 = 1.0397208.
     */
    @Test
    void shouldReportPsiCrossingTheThresholdWhenTheClassMixShifts() {
        start();
        int[] mix = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
        double highestBeforeShift = 0;
        for (int i = 0; i < 20; i++) {
            label("m" + i, i * 100L, mix[i % 10]);
            if (i >= 10) {
                highestBeforeShift = Math.max(highestBeforeShift, gauge(MonitorMetrics.DRIFT_PSI, "distribution", "teacher"));
            }
        }
        assertThat(highestBeforeShift).isCloseTo(0, within(TOLERANCE));

        double[] psiAfter = new double[11];
        for (int k = 1; k <= 10; k++) {
            label("s" + k, 1900 + k * 100L, 0);
            psiAfter[k] = gauge(MonitorMetrics.DRIFT_PSI, "distribution", "teacher");
        }

        assertThat(psiAfter[5]).isCloseTo(0.1 * Math.log(5.0 / 3), within(TOLERANCE));
        assertThat(psiAfter[6]).isCloseTo(0.2 * Math.log(3), within(TOLERANCE)).isLessThan(0.25);
        assertThat(psiAfter[7]).isCloseTo(0.3 * Math.log(7), within(TOLERANCE)).isGreaterThan(0.25);
        assertThat(psiAfter[10]).isCloseTo(5.385985, within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.DRIFT_JS, "distribution", "teacher")).isCloseTo(0.2743585, within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.TEACHER_ENTROPY)).isCloseTo(1.5 * Math.log(2), within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.DRIFT_PSI, "distribution", "student")).isNaN();
    }

    @Test
    void shouldWaitForTheReferenceBeforeReportingDrift() {
        start();
        for (int i = 0; i < 9; i++) {
            label("m" + i, i * 100L, i % 3);
        }

        assertThat(gauge(MonitorMetrics.DRIFT_PSI, "distribution", "teacher")).isNaN();
        assertThat(gauge(MonitorMetrics.TEACHER_ENTROPY)).isCloseTo(1.5 * Math.log(2), within(TOLERANCE));
    }

    /**
     * Garbage on kd-predictions, a soft label with 4 classes where the task has 3, and a prediction without key
     * each become a dead letter naming topic, partition, offset and reason; the next valid pair still matches.
     */
    @Test
    void shouldSendUnusableRecordsToDeadLettersAndCarryOn() {
        start();
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        predictions.pipeInput(key("r1"), garbage, T0);
        labels.pipeInput(key("r1"), softLabel("r1", T0, 1f, null, 0.25f, 0.25f, 0.25f, 0.25f), T0);
        predictions.pipeInput(null, prediction("r0", T0, 7, 0.8f, 0.1f, 0.1f), T0);
        predictions.pipeInput(key("r2"), prediction("r2", T0, 7, 0.8f, 0.1f, 0.1f), T0.plusMillis(10));
        labels.pipeInput(key("r2"), softLabel("r2", T0, 1f, null, 0.6f, 0.2f, 0.2f), T0.plusMillis(20));

        List<DeadLetter> letters = deadLetters.readValuesToList().stream().map(Codecs.DEAD_LETTER::decode).toList();
        assertThat(letters).extracting(DeadLetter::getSourceTopic, DeadLetter::getPartition, DeadLetter::getOffset, DeadLetter::getReason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("kd-predictions", 0, 0L, "undecodable"),
                        org.assertj.core.groups.Tuple.tuple("kd-soft-labels", 0, 0L, TaskContract.MISMATCH),
                        org.assertj.core.groups.Tuple.tuple("kd-predictions", 0, 1L, "missing-key"));
        assertThat(letters.get(0).getService()).isEqualTo("monitor");
        assertThat(letters.get(0).getValue().array()).isEqualTo(garbage);
        assertThat(letters.get(0).getDetail()).contains("expected an encoded Prediction");
        assertThat(registry.get(CommonMetrics.DEAD_LETTERS).tags("service", "monitor", "topic", "kd-predictions", "reason", "undecodable")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(MonitorMetrics.MATCHED).counter().count()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterSoftLabelsWhoseInputDoesNotFitTheTask() {
        start();
        labels.pipeInput(key("r1"), MonitorRecords.softLabel("r1", T0, Tensors.uint8(new byte[100], 10, 10), 0.6f, 0.2f, 0.2f), T0);

        List<DeadLetter> letters = deadLetters.readValuesToList().stream().map(Codecs.DEAD_LETTER::decode).toList();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactly(TaskContract.MISMATCH);
        assertThat(letters.get(0).getDetail()).contains("task three expects uint8 [1, 28, 28] but found uint8 [10, 10]");
        assertThat(registry.get(CommonMetrics.DEAD_LETTERS).tags("service", "monitor", "topic", "kd-soft-labels",
                "reason", TaskContract.MISMATCH).counter().count()).isEqualTo(1);
    }

    /**
     * v3's manifest trained on events up to T0 + 1 s and its first prediction is at T0 + 4.5 s: 3.5 s. v4's first
     * prediction (T0 + 6 s) is read before its manifest (events up to T0 + 5 s): 1 s. Later v3/v4 predictions, a
     * weight chunk and a tombstone record nothing. Two samples, 4.5 s in total, median (3.5 + 1) / 2 = 2.25 s.
     */
    @Test
    void shouldRecordFreshnessFromNewestTrainedEventToFirstServedPrediction() {
        start();
        checkpoints.pipeInput(chunkKey(3, 0), new byte[]{1, 2, 3}, T0.plusMillis(2000));
        checkpoints.pipeInput(manifestKey(3), manifest(3, T0.plusMillis(2000), T0.plusMillis(1000)), T0.plusMillis(2000));
        predictions.pipeInput(key("a"), prediction("a", T0.plusMillis(4500), 3, 0.8f, 0.1f, 0.1f), T0.plusMillis(4500));
        predictions.pipeInput(key("b"), prediction("b", T0.plusMillis(4600), 3, 0.8f, 0.1f, 0.1f), T0.plusMillis(4600));
        predictions.pipeInput(key("c"), prediction("c", T0.plusMillis(6000), 4, 0.8f, 0.1f, 0.1f), T0.plusMillis(6000));
        checkpoints.pipeInput(manifestKey(4), manifest(4, T0.plusMillis(5500), T0.plusMillis(5000)), T0.plusMillis(5500));
        checkpoints.pipeInput(manifestKey(2), null, T0.plusMillis(5600));
        predictions.pipeInput(key("d"), prediction("d", T0.plusMillis(7000), 4, 0.8f, 0.1f, 0.1f), T0.plusMillis(7000));

        Timer freshness = registry.get(MonitorMetrics.FRESHNESS).timer();
        assertThat(freshness.count()).isEqualTo(2);
        assertThat(freshness.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4500);
        assertThat(freshness.max(TimeUnit.MILLISECONDS)).isEqualTo(3500);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    /**
     * 25 requests the teacher calls class 0 (a), of which the student calls 20 class 0 and 5 class 1 (b), then 5 the
     * teacher calls class 1 and the student too. Class a: agreement 20/25 = 0.8; class b has 5 < 20 teacher matches,
     * so no agreement yet. Frequencies over the 30: teacher 25/30 and 5/30, student 20/30 and 10/30, class c none.
     */
    @Test
    void shouldPublishAgreementAndBothModelsClassFrequenciesPerClass() {
        start();
        for (int i = 0; i < 30; i++) {
            String id = "c" + i;
            int teacherClass = i < 25 ? 0 : 1;
            int studentClass = i < 20 ? 0 : 1;
            float[] student = {0.1f, 0.1f, 0.1f};
            student[studentClass] = 0.8f;
            predictions.pipeInput(key(id), prediction(id, T0, 7, student[0], student[1], student[2]), T0.plusMillis(10L * i));
            label(id, 10L * i + 5, teacherClass);
        }

        assertThat(gauge(MonitorMetrics.CLASS_AGREEMENT, "class", "a")).isCloseTo(0.8, within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.CLASS_AGREEMENT, "class", "b")).isNaN();
        assertThat(gauge(MonitorMetrics.CLASS_FREQUENCY, "class", "a", "distribution", "teacher")).isCloseTo(25.0 / 30, within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.CLASS_FREQUENCY, "class", "b", "distribution", "student")).isCloseTo(10.0 / 30, within(TOLERANCE));
        assertThat(gauge(MonitorMetrics.CLASS_FREQUENCY, "class", "c", "distribution", "teacher")).isZero();
        assertThat(registry.find(MonitorMetrics.CLASS_AGREEMENT).gauges()).hasSize(3);
    }

    private void label(String requestId, long offsetMs, int topClass) {
        labels.pipeInput(key(requestId), softLabelOfClass(requestId, T0.plusMillis(offsetMs), topClass, 3), T0.plusMillis(offsetMs));
    }

    /** The distribution p softened at T = 2: q_i = √p_i / Σ √p_j. */
    private static float[] softened(double... p) {
        double sum = 0;
        for (double value : p) {
            sum += Math.sqrt(value);
        }
        float[] q = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            q[i] = (float) (Math.sqrt(p[i]) / sum);
        }
        return q;
    }

    private double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        assertThat(gauge).as("gauge %s %s", name, List.of(tags)).isNotNull();
        return gauge.value();
    }

    private double unmatched(String reason) {
        return registry.get(MonitorMetrics.UNMATCHED).tag("reason", reason).counter().count();
    }

    private TestInputTopic<byte[], byte[]> input(String topic) {
        return MonitorDrivers.input(driver, topic);
    }
}

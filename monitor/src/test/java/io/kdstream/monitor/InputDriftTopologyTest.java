package io.kdstream.monitor;

import static io.kdstream.monitor.testing.MonitorRecords.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.core.drift.InputFeatures;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.monitor.testing.MonitorRecords;
import io.kdstream.schemas.Tensor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input drift under TopologyTestDriver: soft labels carry the inputs; a reference of the first second of stream time,
 * then the same cycle of inputs (no drift), then a change of one feature or one image statistic.
 *
 * <p>Inputs arrive every 10 ms and cycle through ten variants, so a one-second window holds whole cycles and its
 * histogram matches the reference's but for the partly filled newest step; 4 quantile bins keep that noise small.
 */
class InputDriftTopologyTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
    private static final long STEP_MS = 10;
    /** Below the 0.1 that PSI calls stable, well below the 0.25 of a significant shift. */
    private static final double STABLE = 0.1;

    @TempDir
    Path stateDir;
    @TempDir
    Path taskDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> labels;
    private long sent;

    private void start(String task) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("task", task);
        settings.put("drift.window.ms", "1000");
        settings.put("drift.reference.ms", "1000");
        settings.put("drift.min.samples", "50");
        settings.put("drift.input.bins", "4");
        settings.put("drift.input.top.features", "3");
        settings.put("state.dir", stateDir.toString());
        driver = MonitorDrivers.start(settings, registry, T0);
        labels = MonitorDrivers.input(driver, "kd-soft-labels");
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldNameTheRescaledFeatureOfATabularStream() {
        start(BuiltInTasks.TABULAR_RBF.name());
        sendVectors(200, 1);
        double steadyMax = sendVectors(200, 1);
        assertThat(steadyMax).as("largest input PSI without drift").isLessThan(STABLE);
        assertThat(gauge(MonitorMetrics.INPUT_DRIFT_PSI_MAX)).isLessThan(STABLE);

        sendVectors(100, 10);

        assertThat(gauge(MonitorMetrics.INPUT_DRIFT_PSI_MAX)).isGreaterThan(0.25)
                .isEqualTo(gauge(MonitorMetrics.INPUT_DRIFT_PSI, "feature", "x03"));
        assertThat(registry.find(MonitorMetrics.INPUT_DRIFT_PSI).gauges()).hasSize(3);
        assertOthersStable("x03");
    }

    @Test
    void shouldSeeAContrastDropInImagesWhileTheirBrightnessStays() throws IOException {
        start(Files.writeString(taskDir.resolve("grey.task.json"), """
                {"name": "grey", "input": {"dtype": "uint8", "shape": [1, 32, 32]}, "classes": ["a", "b", "c"]}""").toString());
        sendImages(100, 1);
        double steadyMax = sendImages(200, 1);
        assertThat(steadyMax).as("largest input PSI without drift").isLessThan(STABLE);

        sendImages(100, 2);

        double contrast = gauge(MonitorMetrics.INPUT_DRIFT_PSI, "feature", InputFeatures.CONTRAST);
        double sharpness = gauge(MonitorMetrics.INPUT_DRIFT_PSI, "feature", InputFeatures.SHARPNESS);
        assertThat(contrast).isGreaterThan(0.25);
        assertThat(sharpness).isGreaterThan(0.25);
        assertThat(gauge(MonitorMetrics.INPUT_DRIFT_PSI_MAX)).isEqualTo(Math.max(contrast, sharpness));
        assertOthersStable(InputFeatures.CONTRAST, InputFeatures.SHARPNESS);
    }

    @Test
    void shouldReportNothingBeforeTheReferenceIsFrozenAndTheWindowFull() {
        start(BuiltInTasks.TABULAR_RBF.name());
        sendVectors(120, 1);

        assertThat(gauge(MonitorMetrics.INPUT_DRIFT_PSI_MAX)).isNaN();
        assertThat(registry.find(MonitorMetrics.INPUT_DRIFT_PSI).gauges()).isEmpty();
    }

    /**
     * Sends {@code count} tabular inputs whose feature f of the i-th input is (7i + f) mod 10, with x03 multiplied by
     * {@code x03Scale} (a feature rescaled upstream); returns the largest input PSI seen meanwhile (0 when none).
     */
    private double sendVectors(int count, float x03Scale) {
        double highest = 0;
        for (int k = 0; k < count; k++) {
            float[] values = new float[BuiltInTasks.TABULAR_FEATURES];
            for (int f = 0; f < values.length; f++) {
                values[f] = (7 * sent + f) % 10;
            }
            values[3] *= x03Scale;
            highest = Math.max(highest, send(Tensors.float32(values, values.length), 5));
        }
        return highest;
    }

    /**
     * Sends {@code count} 32×32 checkerboards around grey 128 whose amplitude cycles through 10, 16, …, 64, divided by
     * {@code contrastDivisor}: the mean of the image and of each 8×8 block stays exactly 128 while contrast and
     * sharpness fall.
     */
    private double sendImages(int count, int contrastDivisor) {
        double highest = 0;
        for (int k = 0; k < count; k++) {
            int amplitude = (10 + 6 * (int) (sent % 10)) / contrastDivisor;
            byte[] pixels = new byte[32 * 32];
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    pixels[y * 32 + x] = (byte) (128 + ((x + y) % 2 == 0 ? amplitude : -amplitude));
                }
            }
            highest = Math.max(highest, send(Tensors.uint8(pixels, 1, 32, 32), 3));
        }
        return highest;
    }

    private double send(Tensor input, int classes) {
        String id = "i" + sent;
        Instant time = T0.plusMillis(sent * STEP_MS);
        float[] probabilities = new float[classes];
        Arrays.fill(probabilities, 1f / classes);
        labels.pipeInput(key(id), MonitorRecords.softLabel(id, time, input, probabilities), time);
        sent++;
        double max = gauge(MonitorMetrics.INPUT_DRIFT_PSI_MAX);
        return Double.isNaN(max) ? 0 : max;
    }

    /** The features shown besides {@code drifted} (the top list is filled with the least drifted) read stable. */
    private void assertOthersStable(String... drifted) {
        registry.find(MonitorMetrics.INPUT_DRIFT_PSI).gauges().stream()
                .filter(g -> !List.of(drifted).contains(g.getId().getTag("feature")))
                .forEach(g -> assertThat(g.value()).as("PSI of unchanged %s", g.getId().getTag("feature")).isLessThan(STABLE));
    }

    private double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        assertThat(gauge).as("gauge %s %s; input-drift gauges: %s", name, List.of(tags),
                registry.find(MonitorMetrics.INPUT_DRIFT_PSI).gauges().stream().map(g -> g.getId().getTag("feature")).toList())
                .isNotNull();
        return gauge.value();
    }
}

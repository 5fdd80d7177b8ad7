package io.kdstream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefreshFiguresTest {

    private static final long DRIFT = 1_000_000L;

    @TempDir
    Path folder;

    /**
     * Samples every 10 s. Before the drift (a) holds 0.90. At the drift itself it still reads 0.90 (the window holds old
     * traffic), then 0.60 for 30 s, 0.70, 0.80, and 0.885 (within 0.02) from +70 s on; (b) reads 0.55 throughout.
     * Recovery: +70 s, not 0 s. Lasting gap: 0.885 − 0.55 = 0.335. One alert 5 minutes before (false), one at +25 s.
     */
    @Test
    void shouldMeasureRecoveryGapAndAlertDelayFromTheTimeline() {
        // given
        List<RefreshFigures.Sample> samples = new ArrayList<>();
        for (int s = -60; s < 0; s += 10) {
            samples.add(sample(s, 0.90, Double.NaN));
        }
        double[] after = {0.90, 0.60, 0.60, 0.60, 0.70, 0.80, 0.80, 0.885, 0.885, 0.885, 0.885};
        for (int i = 0; i < after.length; i++) {
            samples.add(sample(i * 10, after[i], 0.55));
        }

        // when
        Map<String, Object> figures = RefreshFigures.of(samples, DRIFT, 60_000, List.of(DRIFT - 300_000, DRIFT + 25_000));

        // then
        assertThat((double) figures.get("pre_drift_agreement")).isCloseTo(0.90, within(1e-9));
        assertThat(figures.get("recovery_s")).isEqualTo(70.0);
        assertThat((double) figures.get("lasting_gap")).isCloseTo(0.335, within(1e-9));
        assertThat(figures.get("alert_delay_s")).isEqualTo(25.0);
        assertThat(figures.get("false_alarms")).isEqualTo(1L);
    }

    @Test
    void shouldReportNaNWhenTheStudentNeverRecoversAndNoAlertFires() {
        List<RefreshFigures.Sample> samples = List.of(sample(-10, 0.9, Double.NaN), sample(0, 0.5, 0.5),
                sample(10, 0.6, 0.5), sample(20, 0.7, 0.5));

        Map<String, Object> figures = RefreshFigures.of(samples, DRIFT, 60_000, List.of());

        assertThat((double) figures.get("recovery_s")).isNaN();
        assertThat((double) figures.get("alert_delay_s")).isNaN();
        assertThat((double) figures.get("lasting_gap")).as("over the last third: the sample at +20 s").isCloseTo(0.2, within(1e-9));
        assertThat(figures.get("false_alarms")).isEqualTo(0L);
    }

    @Test
    void shouldWriteThePlotAsPng() throws IOException {
        Path file = folder.resolve("plots/refresh.png");

        RefreshPlot.write(file, "refresh", List.of(sample(-10, 0.9, Double.NaN), sample(0, 0.6, 0.6), sample(10, 0.85, 0.6)),
                DRIFT, List.of(DRIFT + 5_000));

        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void shouldRefuseToPlotARunWithoutMeasurements() {
        Path file = folder.resolve("empty.png");

        assertThatThrownBy(() -> RefreshPlot.write(file, "refresh", List.of(), DRIFT, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no agreement was measured");
        assertThat(file).doesNotExist();
    }

    private static RefreshFigures.Sample sample(int secondsFromDrift, double continuous, double frozen) {
        return new RefreshFigures.Sample(DRIFT + secondsFromDrift * 1000L, continuous, frozen);
    }
}

package io.kdstream.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kdstream.core.metrics.CommonMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MonitorMetricsTest {

    /** Every name in the monitor section of docs/METRICS.md appears in a Prometheus scrape, as dashboards use it. */
    @Test
    void shouldExportTheNamesOfTheMetricCatalogue() throws IOException {
        PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
        MonitorMetrics metrics = new MonitorMetrics(registry, 3);
        metrics.quality(4, 0.9, 0.1, 0.8);
        metrics.freshness(Duration.ofSeconds(3));
        metrics.perClass(List.of("a", "b"), new double[]{0.9, Double.NaN}, new double[]{0.5, 0.5}, new double[]{0.6, 0.4});
        metrics.inputDrift(List.of("x00", "x01"), new double[]{0.02, 0.4}, 1);

        String scrape = registry.scrape();

        List<String> documented = documentedMonitorNames();
        assertThat(documented).hasSize(13);
        for (String name : documented) {
            assertThat(scrape).as("scrape of %s", name).containsPattern("(?m)^# TYPE " + name + "(_total)? ");
        }
        assertThat(scrape).contains("kd_monitor_agreement_ratio{model_version=\"4\"} 0.9")
                .contains("kd_monitor_unmatched_total{reason=\"no_label\"} 0")
                .contains("kd_monitor_drift_psi{distribution=\"teacher\"} NaN")
                .contains("kd_monitor_freshness_seconds_bucket")
                .contains("kd_monitor_input_drift_psi{feature=\"x01\"} 0.4")
                .contains("kd_monitor_input_drift_psi_max 0.4");
    }

    /** Three features, two shown: the gauges follow the two largest PSIs, a feature that falls back loses its gauge. */
    @Test
    void shouldKeepInputDriftGaugesOfTheMostDriftedFeaturesOnly() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MonitorMetrics metrics = new MonitorMetrics(registry, 3);
        List<String> names = List.of("x00", "x01", "x02");

        metrics.inputDrift(names, new double[]{0.5, 0.1, 0.3}, 2);
        assertThat(featureGauges(registry)).containsExactlyInAnyOrder("x00", "x02");
        metrics.inputDrift(names, new double[]{0.05, 0.1, 0.7}, 2);

        assertThat(featureGauges(registry)).containsExactlyInAnyOrder("x01", "x02");
        assertThat(registry.find(MonitorMetrics.INPUT_DRIFT_PSI).tag("feature", "x02").gauge().value()).isEqualTo(0.7);
        assertThat(registry.find(MonitorMetrics.INPUT_DRIFT_PSI_MAX).gauge().value()).isEqualTo(0.7);
        assertThat(metrics.inputDriftMax()).isEqualTo(0.7);
    }

    private static List<String> featureGauges(SimpleMeterRegistry registry) {
        return registry.find(MonitorMetrics.INPUT_DRIFT_PSI).gauges().stream().map(g -> g.getId().getTag("feature")).toList();
    }

    @Test
    void shouldKeepGaugesOfTheNewestVersionsOnly() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MonitorMetrics metrics = new MonitorMetrics(registry, 2);

        metrics.quality(1, 0.5, 0.2, Double.NaN);
        metrics.quality(2, 0.6, 0.2, Double.NaN);
        metrics.quality(3, 0.7, 0.2, Double.NaN);
        metrics.quality(1, 0.9, 0.2, Double.NaN);

        assertThat(registry.find(MonitorMetrics.AGREEMENT).gauges()).map(gauge -> gauge.getId().getTag("model_version"))
                .containsExactlyInAnyOrder("2", "3");
        assertThat(registry.find(MonitorMetrics.KL).gauges()).hasSize(2);
        assertThat(registry.find(MonitorMetrics.ACCURACY).gauges()).hasSize(2);
        Gauge three = registry.find(MonitorMetrics.AGREEMENT).tag("model_version", "3").gauge();
        assertThat(three.value()).isEqualTo(0.7);
    }

    @Test
    void shouldSnapshotTheNewestVersionAndTheMedianFreshness() {
        MonitorMetrics metrics = new MonitorMetrics(new SimpleMeterRegistry(), 3);
        metrics.quality(5, 0.75, 0.3, 0.6);
        metrics.quality(6, 0.8, 0.25, Double.NaN);
        metrics.drift(MonitorMetrics.TEACHER, 0.3, 0.05);
        metrics.drift(MonitorMetrics.STUDENT, 0.1, 0.02);
        metrics.teacherEntropy(1.2);
        metrics.freshness(Duration.ofSeconds(4));
        metrics.freshness(Duration.ofSeconds(1));
        metrics.freshness(Duration.ofSeconds(9));
        metrics.matched();
        metrics.unmatched(MonitorMetrics.DUPLICATE);
        metrics.unmatched(MonitorMetrics.NO_LABEL);

        MonitorSnapshot snapshot = metrics.snapshot();

        assertThat(snapshot).isEqualTo(new MonitorSnapshot(6, 0.8, 0.25, Double.NaN, 0.3, 0.1, 0.05, 0.02, 1.2, 4.0, 1, 2));
    }

    @Test
    void shouldSnapshotUnknownFiguresAsNaN() {
        MonitorSnapshot snapshot = new MonitorMetrics(new SimpleMeterRegistry(), 3).snapshot();

        assertThat(snapshot.modelVersion()).isEqualTo(-1);
        assertThat(List.of(snapshot.agreement(), snapshot.kl(), snapshot.psiTeacher(), snapshot.freshnessP50Seconds()))
                .allMatch(value -> value.isNaN());
    }

    private static List<String> documentedMonitorNames() throws IOException {
        String catalogue = Files.readString(Path.of("..", "docs", "METRICS.md"));
        String section = catalogue.substring(catalogue.indexOf("## monitor"));
        Matcher names = Pattern.compile("(?m)^\\| `(kd_monitor_[a-z_]+)`").matcher(section);
        return names.results().map(match -> match.group(1)).toList();
    }
}

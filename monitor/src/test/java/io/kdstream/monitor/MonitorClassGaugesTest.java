package io.kdstream.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MonitorClassGaugesTest {

    @Test
    void shouldKeepGaugesForTheWorstClassesOnlyWhenThereAreVeryMany() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MonitorMetrics metrics = new MonitorMetrics(registry, 2);
        int classes = 200;
        List<String> names = new ArrayList<>();
        double[] agreement = new double[classes];
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
            agreement[c] = 1 - c / 1000.0;
        }
        double[] frequency = new double[classes];
        Arrays.fill(frequency, 1.0 / classes);

        metrics.perClass(names, agreement, frequency, frequency);
        agreement[0] = 0.1;
        metrics.perClass(names, agreement, frequency, frequency);

        List<Gauge> gauges = new ArrayList<>(registry.find(MonitorMetrics.CLASS_AGREEMENT).gauges());
        assertThat(gauges).hasSize(MonitorMetrics.MAX_CLASS_GAUGES);
        assertThat(gauges).extracting(gauge -> gauge.getId().getTag("class")).contains("c0", "c199").doesNotContain("c150");
        assertThat(registry.find(MonitorMetrics.CLASS_FREQUENCY).gauges()).hasSize(2 * MonitorMetrics.MAX_CLASS_GAUGES);
    }
}

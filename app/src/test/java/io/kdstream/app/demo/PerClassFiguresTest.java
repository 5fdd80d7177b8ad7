package io.kdstream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import io.kdstream.monitor.MonitorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class PerClassFiguresTest {

    /**
     * Class a: 3 examples, 2 right, and a predicted once more for b's example: recall 2/3, precision 2/3, F1 2/3.
     * Class b: 2 examples, 1 right (the other answered a), and b predicted once for a's: recall 1/2, precision 1/2,
     * F1 1/2.
     * Class c: no examples, no figures; the monitor knows a's agreement only.
     */
    @Test
    void shouldGiveAccuracyF1AndTheMonitorsAgreementForEveryClassName() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MonitorMetrics(registry, 2).perClass(List.of("a", "b", "c"), new double[]{0.75, Double.NaN, Double.NaN},
                new double[]{0.5, 0.5, 0}, new double[]{0.5, 0.5, 0});

        Map<String, Object> perClass = PerClassFigures.of(new int[]{0, 0, 1, 1, 0}, new int[]{0, 0, 0, 1, 1},
                List.of("a", "b", "c"), registry);

        assertThat(perClass).containsOnlyKeys("a", "b", "c");
        Map<?, ?> a = (Map<?, ?>) perClass.get("a");
        Map<?, ?> b = (Map<?, ?>) perClass.get("b");
        assertThat((Double) a.get("accuracy")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat((Double) a.get("f1")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(a.get("agreement")).isEqualTo(0.75);
        assertThat((Double) b.get("accuracy")).isCloseTo(0.5, within(1e-12));
        assertThat((Double) b.get("f1")).isCloseTo(0.5, within(1e-12));
        assertThat(b.get("agreement")).isNull();
        assertThat(((Map<?, ?>) perClass.get("c")).get("accuracy")).isNull();
    }
}

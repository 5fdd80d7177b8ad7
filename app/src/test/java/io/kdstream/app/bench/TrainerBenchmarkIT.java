package io.kdstream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code kd bench trainer} on a small slice: both loops run against a real broker and the figures hold together. */
class TrainerBenchmarkIT {

    @Test
    void shouldMeasureBothLoopsOverTheBrokerAndReportTheirRatio() {
        // given two passes over a slice of 3,200 images, one measured round after the warm-up
        TrainerBenchmark.Settings settings = new TrainerBenchmark.Settings(3200, 2, 64, "mlp:784-16-10", 2, 1, "cpu");

        // when
        Map<String, Object> figures = TrainerBenchmark.run(settings);

        // then the rates are measured, and the ratio is the one of the totals
        long raw = (Long) figures.get("raw_samples_per_s");
        long pipeline = (Long) figures.get("pipeline_samples_per_s");
        assertThat(raw).isPositive();
        assertThat(pipeline).isPositive();
        assertThat((Double) figures.get("ratio")).isCloseTo((double) pipeline / raw, within(0.01));
        assertThat(figures).containsEntry("batch_size", 64).containsEntry("examples", 3200).containsEntry("passes", 2);
        assertThat((List<?>) figures.get("pipeline_rounds_samples_per_s")).hasSize(1);
    }

    @Test
    void shouldRefuseTooFewExamplesForItsBatches() {
        assertThatThrownBy(() -> new TrainerBenchmark.Settings(100, 1, 64, "mlp:784-16-10", 1, 1, "cpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ten batches");
    }
}

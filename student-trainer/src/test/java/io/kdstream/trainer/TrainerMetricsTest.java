package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.trainer.training.DivergenceGuard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class TrainerMetricsTest {

    @Test
    void shouldExportTheNamesOfTheMetricCatalogue() {
        // given
        PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
        TrainerMetrics metrics = new TrainerMetrics(registry, "student", Mode.TEACHER);

        // when
        metrics.stepped(48, 2.0f, 3_000_000);
        metrics.stepped(16, 1.0f, 1_000_000);
        metrics.published(7, 0.93);
        metrics.checkpointFailed();
        metrics.stepped(64, Float.NaN, 1_000_000);
        metrics.rolledBack(DivergenceGuard.Cause.HOLDOUT_REGRESSION);

        // then
        String text = registry.scrape();
        assertThat(text)
                .contains("kd_trainer_samples_total{mode=\"teacher\",model=\"student\"} 128.0")
                .contains("kd_trainer_step_seconds_bucket")
                .contains("kd_trainer_step_seconds_count{model=\"student\"} 3")
                .contains("kd_trainer_steps_nonfinite_total{model=\"student\"} 1.0")
                .contains("kd_trainer_rollbacks_total{cause=\"holdout-regression\",model=\"student\"} 1.0")
                .contains("kd_trainer_rollbacks_total{cause=\"non-finite-weights\",model=\"student\"} 0.0")
                .contains("kd_trainer_checkpoints_total{model=\"student\",outcome=\"published\"} 1.0")
                .contains("kd_trainer_checkpoints_total{model=\"student\",outcome=\"failed\"} 1.0")
                .contains("kd_trainer_holdout_agreement_ratio{model=\"student\"} 0.93")
                .contains("kd_trainer_checkpoint_version{model=\"student\"} 7.0")
                .contains("kd_trainer_loss{model=\"student\"} 1.95");
    }
}

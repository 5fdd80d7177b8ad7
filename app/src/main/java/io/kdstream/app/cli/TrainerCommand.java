package io.kdstream.app.cli;

import java.util.concurrent.Callable;

import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.trainer.StudentTrainer;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kd trainer}: the student trainer alone, against any Kafka cluster. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Distil the student from kd-soft-labels continuously and publish checkpoints to kd-checkpoints; /metrics on metrics.port.")
public final class TrainerCommand implements Callable<Integer> {

    @Mixin
    SettingsOptions settings;

    @Override
    public Integer call() throws InterruptedException {
        TrainerConfig config = new TrainerConfig(settings.settings(TrainerConfig.DEFINITION));
        PrometheusMeterRegistry registry = CommonMetrics.serviceRegistry();
        StudentTrainer trainer = new StudentTrainer(config, registry);
        MetricsServer metrics = new MetricsServer(config.metricsPort(), registry, trainer::health);
        ServiceRunner.startOrClose(trainer::start, metrics);
        return ServiceRunner.runUntilStopped("trainer", trainer::health, () -> {
            trainer.close();
            metrics.close();
        });
    }
}

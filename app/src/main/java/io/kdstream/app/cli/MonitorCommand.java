package io.kdstream.app.cli;

import java.util.concurrent.Callable;

import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.monitor.MonitorConfig;
import io.kdstream.monitor.MonitorService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kd monitor}: the Kafka Streams monitor alone, with /metrics on {@code metrics.port}. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Join predictions with soft labels: agreement, KL, accuracy, drift and freshness on /metrics.")
public final class MonitorCommand implements Callable<Integer> {

    @Mixin
    SettingsOptions settings;

    @Override
    public Integer call() throws InterruptedException {
        MonitorConfig config = new MonitorConfig(settings.settings(MonitorConfig.DEFINITION));
        PrometheusMeterRegistry registry = CommonMetrics.serviceRegistry();
        MonitorService monitor = new MonitorService(config, registry);
        MetricsServer metrics = new MetricsServer(config.metricsPort(), registry, monitor::health);
        ServiceRunner.startOrClose(monitor::start, metrics);
        return ServiceRunner.runUntilStopped("monitor", monitor::health, () -> {
            monitor.close();
            metrics.close();
        });
    }
}

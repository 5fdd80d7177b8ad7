package io.kdstream.app.cli;

import java.util.concurrent.Callable;

import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.gateway.Gateway;
import io.kdstream.gateway.GatewayConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kd gateway}: the serving gateway alone, against any Kafka cluster. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Serve the newest good student checkpoint over HTTP (POST /v1/predict), hot-swapping new ones; /metrics on the same port.")
public final class GatewayCommand implements Callable<Integer> {

    @Mixin
    SettingsOptions settings;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config = new GatewayConfig(settings.settings(GatewayConfig.DEFINITION));
        PrometheusMeterRegistry registry = CommonMetrics.serviceRegistry();
        Gateway gateway = new Gateway(config, registry);
        gateway.start();
        System.out.println("Gateway listening on port " + gateway.port());
        return ServiceRunner.runUntilStopped("gateway", gateway::health, gateway::close);
    }
}

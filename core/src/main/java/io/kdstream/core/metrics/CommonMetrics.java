package io.kdstream.core.metrics;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Meters shared by every service; the per-service catalogues live beside each service. See docs/METRICS.md. */
public final class CommonMetrics {

    public static final String DEAD_LETTERS = "kd.dead.letters";
    public static final String CONSUMER_LAG = "kd.consumer.lag";

    private CommonMetrics() {
    }

    public static Counter deadLetters(MeterRegistry registry, String service, String topic, String reason) {
        return Counter.builder(DEAD_LETTERS)
                .description("Records sent to the dead-letter topic")
                .tags("service", service, "topic", topic, "reason", reason)
                .register(registry);
    }

    public static void consumerLag(MeterRegistry registry, String service, String topic, AtomicLong lag) {
        Gauge.builder(CONSUMER_LAG, lag, AtomicLong::get)
                .description("Records behind the end of the input topic, summed over assigned partitions")
                .baseUnit("records")
                .tags("service", service, "topic", topic)
                .register(registry);
    }

    /** A registry that renders the Prometheus text format. */
    public static PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
}

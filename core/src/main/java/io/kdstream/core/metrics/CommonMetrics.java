package io.kdstream.core.metrics;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
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

    /**
     * The registry of a service process: {@link #prometheusRegistry()} with the JVM's memory, garbage collection,
     * threads and class loading, and the process's CPU, uptime and open files, so an operator sees a heap filling
     * or GC pauses beside the service's own meters. Once per process: the GC meters listen to the JVM for its life.
     */
    public static PrometheusMeterRegistry serviceRegistry() {
        PrometheusMeterRegistry registry = prometheusRegistry();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }
}

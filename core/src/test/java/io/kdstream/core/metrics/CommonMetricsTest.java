package io.kdstream.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class CommonMetricsTest {

    @Test
    void aServiceRegistryCarriesTheJvmAndProcessMeters() {
        PrometheusMeterRegistry registry = CommonMetrics.serviceRegistry();
        System.gc();

        String scrape = registry.scrape();

        assertThat(scrape).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "process_cpu_usage", "system_cpu_count", "process_uptime_seconds", "process_files_open_files");
    }
}

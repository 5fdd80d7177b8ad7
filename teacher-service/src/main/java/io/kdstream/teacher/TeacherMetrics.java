package io.kdstream.teacher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every meter of the teacher service (see docs/METRICS.md); consumer lag and dead letters come from core's
 * {@link io.kdstream.core.metrics.CommonMetrics} with {@code service=}{@value #SERVICE}.
 */
public final class TeacherMetrics {

    /** The {@code service} tag of the shared meters. */
    public static final String SERVICE = "teacher-service";

    public static final String LABELS = "kd.teacher.labels";
    public static final String INFERENCE = "kd.teacher.inference";
    public static final String BATCH_SIZE = "kd.teacher.batch.size";
    public static final String NONFINITE = "kd.teacher.nonfinite";

    private final Counter labels;
    private final Timer inference;
    private final DistributionSummary batchSize;
    private final Counter nonfinite;

    public TeacherMetrics(MeterRegistry registry, String teacherId) {
        labels = Counter.builder(LABELS)
                .description("Soft labels published (counted when their transaction commits)")
                .tag("teacher", teacherId)
                .register(registry);
        inference = Timer.builder(INFERENCE)
                .description("One batched teacher call")
                .tag("teacher", teacherId)
                .publishPercentileHistogram()
                .register(registry);
        batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("Examples per teacher call")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(4096.0)
                .register(registry);
        nonfinite = Counter.builder(NONFINITE)
                .description("Teacher outputs refused as not finite (dead-lettered, never published)")
                .tag("teacher", teacherId)
                .register(registry);
    }

    public Counter labels() {
        return labels;
    }

    public Timer inference() {
        return inference;
    }

    public DistributionSummary batchSize() {
        return batchSize;
    }

    public Counter nonfinite() {
        return nonfinite;
    }
}

package io.kdstream.teacher;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

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
    public static final String STAGE = "kd.teacher.stage";

    /**
     * Where the labelling pipeline spends its time, one timer each ({@value TeacherMetrics#STAGE} with tag {@code stage}), so that
     * what is not inference shows up beside {@link #FORWARD}. Poll-thread stages and inference-thread stages overlap
     * in time; the inference thread's {@link #IDLE} says how long the teacher waited for work.
     */
    public enum Stage {
        /** {@code consumer.poll}, including its wait for records. Poll thread. */
        POLL,
        /** Avro decoding and the task check of one poll's records, to model inputs. Poll thread. */
        DECODE,
        /** Gathering a batch's inputs into the one array the teacher reads. Inference thread. */
        ASSEMBLE,
        /** The teacher call itself: tensor in, forward pass, softmax, probabilities out. Inference thread. */
        FORWARD,
        /** Building and Avro-encoding one batch's soft labels and dead letters. Inference thread. */
        ENCODE,
        /** Handing one batch's records to the producer ({@code send}, which only buffers them). Poll thread. */
        PRODUCE,
        /** Adding the offsets to the transaction and committing it, waiting for the broker. Poll thread. */
        COMMIT,
        /** The inference thread waiting for a batch: the teacher doing nothing. Inference thread. */
        IDLE;

        /** The {@code stage} tag's value. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Counter labels;
    private final Timer inference;
    private final DistributionSummary batchSize;
    private final Counter nonfinite;
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);

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
        for (Stage stage : Stage.values()) {
            stages.put(stage, Timer.builder(STAGE)
                    .description("Time the teacher pipeline spends in one stage (poll, decode, assemble, forward, encode, produce, commit, idle)")
                    .tag("stage", stage.tag())
                    .register(registry));
        }
    }

    /** The timer of one pipeline stage. */
    public Timer stage(Stage stage) {
        return stages.get(stage);
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

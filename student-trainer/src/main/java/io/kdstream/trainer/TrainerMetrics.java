package io.kdstream.trainer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.trainer.training.DivergenceGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every meter of the student trainer, named as in docs/METRICS.md. Dead letters and consumer lag are the shared
 * meters of {@link io.kdstream.core.metrics.CommonMetrics}.
 */
public final class TrainerMetrics {

    public static final String SAMPLES = "kd.trainer.samples";
    public static final String LOSS = "kd.trainer.loss";
    public static final String STEP = "kd.trainer.step";
    public static final String CHECKPOINTS = "kd.trainer.checkpoints";
    public static final String HOLDOUT_AGREEMENT = "kd.trainer.holdout.agreement";
    public static final String CHECKPOINT_VERSION = "kd.trainer.checkpoint.version";
    public static final String NON_FINITE_STEPS = "kd.trainer.steps.nonfinite";
    public static final String ROLLBACKS = "kd.trainer.rollbacks";

    /** Weight of the newest step in the loss gauge's moving mean. */
    private static final double LOSS_SMOOTHING = 0.05;

    private final Counter samples;
    private final Timer step;
    private final Counter published;
    private final Counter failed;
    private final Counter nonFiniteSteps;
    private final Map<DivergenceGuard.Cause, Counter> rollbacks = new EnumMap<>(DivergenceGuard.Cause.class);
    private final AtomicLong version = new AtomicLong();
    private volatile double loss = Double.NaN;
    private volatile double holdoutAgreement = Double.NaN;

    public TrainerMetrics(MeterRegistry registry, String model, Mode mode) {
        samples = Counter.builder(SAMPLES).description("Examples trained on (replays not counted)")
                .tags("model", model, "mode", mode.configName()).register(registry);
        step = Timer.builder(STEP).description("One optimizer step").tag("model", model)
                .publishPercentileHistogram().register(registry);
        published = checkpoints(registry, model, "published");
        failed = checkpoints(registry, model, "failed");
        Gauge.builder(LOSS, this, metrics -> metrics.loss).description("Distillation loss per step, moving mean of the finite ones")
                .tag("model", model).register(registry);
        nonFiniteSteps = Counter.builder(NON_FINITE_STEPS)
                .description("Optimizer steps skipped because their loss or gradients were NaN or infinite")
                .tag("model", model).register(registry);
        for (DivergenceGuard.Cause cause : DivergenceGuard.Cause.values()) {
            rollbacks.put(cause, Counter.builder(ROLLBACKS)
                    .description("Times the student diverged and was rolled back to its last good weights")
                    .tags("model", model, "cause", cause.tag()).register(registry));
        }
        Gauge.builder(HOLDOUT_AGREEMENT, this, metrics -> metrics.holdoutAgreement)
                .description("Holdout top-1 agreement with the teacher of the newest checkpoint")
                .baseUnit("ratio").tag("model", model).register(registry);
        Gauge.builder(CHECKPOINT_VERSION, version, AtomicLong::get).description("Newest published checkpoint version")
                .tag("model", model).register(registry);
    }

    /** One optimizer step on a batch holding {@code newExamples} examples not trained on before. */
    public void stepped(int newExamples, float stepLoss, long nanos) {
        samples.increment(newExamples);
        step.record(nanos, TimeUnit.NANOSECONDS);
        if (Float.isFinite(stepLoss)) {
            double previous = loss;
            loss = Double.isNaN(previous) ? stepLoss : previous + LOSS_SMOOTHING * (stepLoss - previous);
        } else {
            nonFiniteSteps.increment();
        }
    }

    public void published(long newVersion, double agreement) {
        published.increment();
        version.set(newVersion);
        holdoutAgreement = agreement;
    }

    /** A version found on the topic at start, before this instance published anything. */
    public void resumed(long resumedVersion, double agreement) {
        version.set(resumedVersion);
        holdoutAgreement = agreement;
    }

    public void rolledBack(DivergenceGuard.Cause cause) {
        rollbacks.get(cause).increment();
    }

    public void checkpointFailed() {
        failed.increment();
    }

    private static Counter checkpoints(MeterRegistry registry, String model, String outcome) {
        return Counter.builder(CHECKPOINTS).description("Checkpoint publications")
                .tags("model", model, "outcome", outcome).register(registry);
    }
}

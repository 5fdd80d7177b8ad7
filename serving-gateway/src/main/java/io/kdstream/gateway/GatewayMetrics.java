package io.kdstream.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every meter of the serving gateway, named as in docs/METRICS.md, so a dashboard author finds them in one place.
 * Tags are bounded: outcomes and refusal reasons, never a request id or a version.
 */
public final class GatewayMetrics {

    public static final String REQUEST = "kd.gateway.request";
    public static final String BATCH_SIZE = "kd.gateway.batch.size";
    public static final String SWAPS = "kd.gateway.swaps";
    public static final String MODEL_VERSION = "kd.gateway.model.version";
    public static final String CHECKPOINT_AGE = "kd.gateway.checkpoint.age";
    public static final String SHADOW = "kd.gateway.shadow";
    public static final String PREDICTIONS = "kd.gateway.predictions";
    public static final String NON_FINITE_OUTPUTS = "kd.gateway.nonfinite.outputs";
    public static final String GATE_DECISIONS = "kd.gateway.gate.decisions";
    public static final String GATE_DURATION = "kd.gateway.gate.duration";
    public static final String GATE_EXAMPLES = "kd.gateway.gate.examples";
    public static final String GATE_LABELS_SKIPPED = "kd.gateway.gate.labels.skipped";

    /** Outcome tags of {@value #REQUEST}. */
    public enum RequestOutcome { OK, CLIENT_ERROR, SERVER_ERROR, UNAVAILABLE }

    /**
     * Outcome tags of {@value #SWAPS}: a pending candidate waits for examples it has not trained on, a superseded one
     * was dropped while pending because a newer candidate came.
     */
    public enum SwapOutcome { SWAPPED, REFUSED, ROLLED_BACK, PINNED, PENDING, SUPERSEDED }

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Counter nonFiniteOutputs;
    private final AtomicLong servedVersion = new AtomicLong(-1);
    private final AtomicLong servedCreatedMillis = new AtomicLong(-1);

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("Examples per model call after micro-batching")
                .publishPercentileHistogram()
                .register(registry);
        this.nonFiniteOutputs = Counter.builder(NON_FINITE_OUTPUTS)
                .description("Inputs refused with a 5xx because the served model gave probabilities that are not finite")
                .register(registry);
        Gauge.builder(MODEL_VERSION, servedVersion, AtomicLong::get)
                .description("Checkpoint version being served; -1 before the first is loaded")
                .register(registry);
        Gauge.builder(CHECKPOINT_AGE, servedCreatedMillis, GatewayMetrics::ageSeconds)
                .description("Now minus the served checkpoint's created time")
                .baseUnit("seconds")
                .register(registry);
        for (RequestOutcome outcome : RequestOutcome.values()) {
            requestTimer(outcome);
        }
        for (String outcome : new String[]{"sent", "dropped"}) {
            copyCounter(SHADOW, outcome);
            copyCounter(PREDICTIONS, outcome);
        }
    }

    /**
     * One paired-gate decision and the time it took to score both models (the wait for examples not included).
     *
     * @param reason {@code passed}, or the refusal reason
     */
    public void gate(boolean accepted, String reason, Duration took) {
        String outcome = accepted ? "accepted" : "refused";
        Counter.builder(GATE_DECISIONS)
                .description("Paired promotion-gate decisions by outcome and reason")
                .tags("outcome", outcome, "reason", reason)
                .register(registry)
                .increment();
        Timer.builder(GATE_DURATION)
                .description("Time the paired gate takes to score a candidate and the served model on recent examples")
                .tags("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    /** Reports the size of the gate's sample of recent labelled examples. */
    public void gateExamples(java.util.function.IntSupplier held) {
        // A strong reference: the supplier is usually a method reference nothing else holds on to.
        Gauge.builder(GATE_EXAMPLES, held, supplier -> supplier.getAsInt())
                .description("Recent teacher-labelled examples held for the paired gate")
                .strongReference(true)
                .register(registry);
    }

    /** Counts a soft label the gate's sample could not keep (undecodable or invalid). */
    public void gateLabelSkipped() {
        Counter.builder(GATE_LABELS_SKIPPED)
                .description("Soft labels the paired gate's sample skipped because they did not decode or validate")
                .register(registry)
                .increment();
    }

    /** One HTTP predict request, from its arrival to its answer. */
    public void request(RequestOutcome outcome, Duration latency) {
        requestTimer(outcome).record(latency);
    }

    public void batch(int examples) {
        batchSize.record(examples);
    }

    /** Inputs whose answers were refused because the model gave non-finite probabilities. */
    public void nonFiniteOutput(int inputs) {
        nonFiniteOutputs.increment(inputs);
    }

    /** @param reason {@code passed} for swaps, {@code admin} for rollbacks and pins, the refusal reason otherwise */
    public void swap(SwapOutcome outcome, String reason) {
        Counter.builder(SWAPS)
                .description("Checkpoint swap decisions by outcome and reason")
                .tags("outcome", tag(outcome), "reason", reason)
                .register(registry)
                .increment();
    }

    /** The swap decisions counted so far with this outcome, over every reason. */
    public long swaps(SwapOutcome outcome) {
        return (long) registry.find(SWAPS).tag("outcome", tag(outcome)).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    public void served(long version, Instant created) {
        servedVersion.set(version);
        servedCreatedMillis.set(created.toEpochMilli());
    }

    public void shadow(boolean sent) {
        copyCounter(SHADOW, sent ? "sent" : "dropped").increment();
    }

    public void prediction(boolean sent) {
        copyCounter(PREDICTIONS, sent ? "sent" : "dropped").increment();
    }

    public long shadowCopies(boolean sent) {
        return (long) copyCounter(SHADOW, sent ? "sent" : "dropped").count();
    }

    public long predictionCopies(boolean sent) {
        return (long) copyCounter(PREDICTIONS, sent ? "sent" : "dropped").count();
    }

    private Timer requestTimer(RequestOutcome outcome) {
        return Timer.builder(REQUEST)
                .description("HTTP predict latency by outcome")
                .tags("outcome", tag(outcome))
                .publishPercentileHistogram()
                .register(registry);
    }

    private Counter copyCounter(String name, String outcome) {
        return Counter.builder(name)
                .description(name.equals(SHADOW) ? "Input copies to the traffic topic" : "Answers written to the predictions topic")
                .tags("outcome", outcome)
                .register(registry);
    }

    private static double ageSeconds(AtomicLong createdMillis) {
        long created = createdMillis.get();
        return created < 0 ? Double.NaN : (System.currentTimeMillis() - created) / 1000.0;
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}

package io.kdstream.monitor.drift;

import java.util.Arrays;
import java.util.List;

import io.kdstream.core.drift.Divergences;
import io.kdstream.core.drift.QuantileBins;
import io.kdstream.monitor.MonitorMetrics;
import io.kdstream.monitor.state.RollingSums;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Input drift: per input feature ({@link io.kdstream.core.drift.InputFeatures}), the population stability index of
 * the current window's histogram against a frozen reference, over bins at the reference's quantiles.
 *
 * <p>PSI rather than a two-sample test such as Kolmogorov–Smirnov: over fixed bins the current window is a vector of
 * counts, which {@link RollingSums} slides in constant memory and a changelog can hold, while KS needs the window's
 * values themselves (or bins so fine that it becomes PSI's cost anyway). PSI also reads like the class-mix drift next
 * to it (0.1 moderate, 0.25 significant), and with quantile bins it does not depend on a feature's scale.
 *
 * <p>The reference is collected like the class-mix one (the first {@code reference} of stream time, extended until it
 * holds {@code minSamples} vectors) as a bounded sample, then frozen into edges and counts in a changelogged store, so
 * a restart keeps its baseline. PSI is published once the current window holds {@code minSamples} vectors; the
 * gauges show the most drifted features only.
 */
public final class InputDriftProcessor implements Processor<String, double[], Void, Void> {

    public static final String SUMS_STORE = "input-drift-sums";
    public static final String REFERENCE_STORE = "input-drift-reference";
    /** The one key of the input-drift records: a deployment has one input distribution. */
    public static final String SERIES = "input";

    private static final Logger LOG = LoggerFactory.getLogger(InputDriftProcessor.class);

    private final MonitorMetrics metrics;
    private final List<String> featureNames;
    private final int bins;
    private final int topFeatures;
    private final DriftWindows windows;
    private ProcessorContext<Void, Void> context;
    private RollingSums sums;
    private KeyValueStore<String, InputReference> references;

    /**
     * @param featureNames the names of the features of each vector, in order
     * @param bins         quantile bins per feature
     * @param topFeatures  how many of the most drifted features get a gauge
     */
    public InputDriftProcessor(MonitorMetrics metrics, List<String> featureNames, int bins, int topFeatures,
                               DriftWindows windows) {
        this.metrics = metrics;
        this.featureNames = List.copyOf(featureNames);
        this.bins = bins;
        this.topFeatures = topFeatures;
        this.windows = windows;
    }

    /** The sample, then edges and counts; see {@link DriftWindows#referenceStore}. */
    public static StoreBuilder<KeyValueStore<String, InputReference>> referenceStoreBuilder() {
        return DriftWindows.referenceStore(REFERENCE_STORE, InputReference.SERDE);
    }

    public static StoreBuilder<WindowStore<String, double[]>> sumsStoreBuilder(DriftWindows windows) {
        return RollingSums.storeBuilder(SUMS_STORE, windows.window(), windows.steps());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.sums = new RollingSums(context.getStateStore(SUMS_STORE), windows.window(), windows.steps());
        this.references = context.getStateStore(REFERENCE_STORE);
    }

    @Override
    public void process(Record<String, double[]> record) {
        double[] vector = record.value();
        int features = featureNames.size();
        if (vector.length != features) {
            // The reader made it from the same contract, so this is a bug, not a bad record.
            throw new IllegalStateException("expected " + features + " input features but a record has " + vector.length);
        }
        InputReference reference = updatedReference(vector, record.timestamp());
        if (!reference.frozen()) {
            return;
        }
        // Per feature its bins' counts, then the record count in the last place.
        double[] increment = new double[features * bins + 1];
        for (int f = 0; f < features; f++) {
            double[] edges = Arrays.copyOfRange(reference.edges(), f * (bins - 1), (f + 1) * (bins - 1));
            increment[f * bins + QuantileBins.bin(edges, vector[f])] = 1;
        }
        increment[features * bins] = 1;
        sums.add(SERIES, record.timestamp(), increment);

        double[] current = sums.window(SERIES, context.currentStreamTimeMs(), features * bins + 1);
        if (current[features * bins] < windows.minSamples()) {
            return;
        }
        double[] psi = new double[features];
        for (int f = 0; f < features; f++) {
            psi[f] = Divergences.psi(Arrays.copyOfRange(reference.counts(), f * bins, (f + 1) * bins),
                    Arrays.copyOfRange(current, f * bins, (f + 1) * bins));
        }
        metrics.inputDrift(featureNames, psi, topFeatures);
    }

    private InputReference updatedReference(double[] vector, long timeMs) {
        int features = featureNames.size();
        InputReference reference = references.get(SERIES);
        if (reference != null && !reference.fits(features, bins)) {
            LOG.warn("Input-drift reference was built for {} features in {} bins, but the monitor now watches {} features "
                    + "in {} bins: taking a new reference", reference.features(),
                    reference.frozen() ? reference.counts().length / reference.features() : bins, features, bins);
            reference = null;
        }
        if (reference == null) {
            reference = InputReference.startingAt(timeMs, features);
        }
        if (reference.frozen()) {
            return reference;
        }
        boolean collecting = windows.referenceCollects(reference.startMs(), reference.seen(), timeMs);
        reference = collecting ? reference.plus(vector) : reference.freeze(bins);
        references.put(SERIES, reference);
        return reference;
    }
}

package io.kdstream.monitor.drift;

import java.util.Arrays;

import io.kdstream.core.drift.Divergences;
import io.kdstream.monitor.MonitorMetrics;
import io.kdstream.monitor.state.RollingSums;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Keeps, per distribution ({@code teacher}, {@code student}), a reference histogram and a rolling current one, and
 * publishes PSI and JS between them and the teacher's mean entropy.
 *
 * <p>The reference is the histogram of the first {@code reference} of stream time after the distribution's first
 * record, extended until it holds {@code minSamples} records, then frozen in a changelogged store: a restart keeps
 * comparing against the same baseline instead of adopting whatever drifted traffic it restarts into. PSI and JS are
 * published once both the reference and the current window hold {@code minSamples} records.
 */
public final class DriftProcessor implements Processor<String, DriftSample, Void, Void> {

    public static final String SUMS_STORE = "drift-sums";
    public static final String REFERENCE_STORE = "drift-reference";

    private final MonitorMetrics metrics;
    private final int classes;
    private final DriftWindows windows;
    private ProcessorContext<Void, Void> context;
    private RollingSums sums;
    private KeyValueStore<String, Reference> references;

    public DriftProcessor(MonitorMetrics metrics, int classes, DriftWindows windows) {
        this.metrics = metrics;
        this.classes = classes;
        this.windows = windows;
    }

    /** The frozen reference, two small histograms; see {@link DriftWindows#referenceStore}. */
    public static StoreBuilder<KeyValueStore<String, Reference>> referenceStoreBuilder() {
        return DriftWindows.referenceStore(REFERENCE_STORE, Reference.SERDE);
    }

    public static StoreBuilder<WindowStore<String, double[]>> sumsStoreBuilder(DriftWindows windows) {
        return RollingSums.storeBuilder(SUMS_STORE, windows.window(), windows.steps());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        WindowStore<String, double[]> store = context.getStateStore(SUMS_STORE);
        this.sums = new RollingSums(store, windows.window(), windows.steps());
        this.references = context.getStateStore(REFERENCE_STORE);
    }

    @Override
    public void process(Record<String, DriftSample> record) {
        String distribution = record.key();
        DriftSample sample = record.value();
        Reference reference = updatedReference(distribution, sample.topClass(), record.timestamp());

        // Counts per class, then the entropy sum in the last place.
        double[] increment = new double[classes + 1];
        increment[sample.topClass()] = 1;
        increment[classes] = sample.entropy();
        sums.add(distribution, record.timestamp(), increment);

        double[] window = sums.window(distribution, context.currentStreamTimeMs(), classes + 1);
        double[] current = Arrays.copyOf(window, classes);
        double records = Arrays.stream(current).sum();
        if (MonitorMetrics.TEACHER.equals(distribution) && records > 0) {
            metrics.teacherEntropy(window[classes] / records);
        }
        if (reference.frozen() && records >= windows.minSamples()) {
            metrics.drift(distribution, Divergences.psi(reference.counts(), current),
                    Divergences.jensenShannon(reference.counts(), current));
        }
    }

    private Reference updatedReference(String distribution, int topClass, long timeMs) {
        Reference reference = references.get(distribution);
        if (reference == null) {
            reference = Reference.startingAt(timeMs, classes);
        }
        if (reference.frozen()) {
            return reference;
        }
        boolean collecting = windows.referenceCollects(reference.startMs(), reference.total(), timeMs);
        reference = collecting ? reference.plus(topClass) : reference.freeze();
        references.put(distribution, reference);
        return reference;
    }
}

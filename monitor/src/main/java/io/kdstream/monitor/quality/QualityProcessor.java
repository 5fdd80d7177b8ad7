package io.kdstream.monitor.quality;

import java.time.Duration;

import io.kdstream.monitor.MonitorMetrics;
import io.kdstream.monitor.state.RollingSums;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds each version's {@link Quality} samples to rolling sums and publishes that version's agreement, mean KL and
 * accuracy over the window ending at the current stream time.
 */
public final class QualityProcessor implements Processor<Long, Quality, Void, Void> {

    public static final String STORE = "quality-sums";

    private final MonitorMetrics metrics;
    private final Duration window;
    private final int steps;
    private ProcessorContext<Void, Void> context;
    private RollingSums sums;

    public QualityProcessor(MonitorMetrics metrics, Duration window, int steps) {
        this.metrics = metrics;
        this.window = window;
        this.steps = steps;
    }

    public static StoreBuilder<WindowStore<String, double[]>> storeBuilder(Duration window, int steps) {
        return RollingSums.storeBuilder(STORE, window, steps);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        WindowStore<String, double[]> store = context.getStateStore(STORE);
        this.sums = new RollingSums(store, window, steps);
    }

    @Override
    public void process(Record<Long, Quality> record) {
        String series = Long.toString(record.key());
        sums.add(series, record.timestamp(), record.value().toVector());
        Quality total = Quality.ofVector(sums.window(series, context.currentStreamTimeMs(), Quality.LENGTH));
        metrics.quality(record.key(), total.agreement(), total.meanKl(), total.accuracy());
    }
}

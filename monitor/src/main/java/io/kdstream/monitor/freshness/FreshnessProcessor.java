package io.kdstream.monitor.freshness;

import java.time.Duration;

import io.kdstream.monitor.MonitorMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Records freshness = (time of the first prediction served with version v) − (manifest of v).lineage.eventTimeMax,
 * once per version, whichever of the two the monitor reads first. It measures how old the newest example a
 * checkpoint learned from is when that checkpoint starts answering; older examples in the same checkpoint waited
 * longer. Only versions newer than the last one recorded count, so a rollback to an old version records nothing.
 * A negative value (clocks of trainer and gateway hosts apart) is not recorded.
 */
public final class FreshnessProcessor implements Processor<String, FreshnessEvent, Void, Void> {

    public static final String STORE = "freshness";

    private final MonitorMetrics metrics;
    private KeyValueStore<String, FreshnessState> states;

    public FreshnessProcessor(MonitorMetrics metrics) {
        this.metrics = metrics;
    }

    /** One small entry per model, changelogged so a version is not recorded twice after a restart. */
    public static StoreBuilder<KeyValueStore<String, FreshnessState>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), FreshnessState.SERDE);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.states = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, FreshnessEvent> record) {
        String model = record.key();
        FreshnessEvent event = record.value();
        FreshnessState state = states.get(model);
        if (state == null) {
            state = FreshnessState.empty();
        }
        if (event.version() <= state.lastRecorded()) {
            return;
        }
        Long other = event.manifest() ? state.pending().get(event.version()) : state.manifests().get(event.version());
        if (other == null) {
            FreshnessState.putBounded(event.manifest() ? state.manifests() : state.pending(), event.version(), event.timeMs());
            states.put(model, state);
            return;
        }
        long servedMs = event.manifest() ? other : event.timeMs();
        long trainedOnMs = event.manifest() ? event.timeMs() : other;
        if (servedMs >= trainedOnMs) {
            metrics.freshness(Duration.ofMillis(servedMs - trainedOnMs));
        }
        states.put(model, state.recorded(event.version()));
    }
}

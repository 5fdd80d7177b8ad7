package io.kdstream.monitor.drift;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The spans every drift measure shares, so class-mix and input drift compare like with like: the current window
 * (sliding in {@code steps}), the reference span, and the records both must hold before a figure is published.
 *
 * @param window     the current window's length
 * @param steps      steps the window slides in
 * @param reference  the reference span from the first record on
 * @param minSamples records the reference and the current window must each hold
 */
public record DriftWindows(Duration window, int steps, Duration reference, int minSamples) {

    /**
     * Whether a reference started at {@code startMs} still collects a record at {@code timeMs}: during its span, and
     * after it until it holds {@code minSamples} records.
     */
    boolean referenceCollects(long startMs, double records, long timeMs) {
        return timeMs < startMs + reference.toMillis() || records < minSamples;
    }

    /**
     * A reference must survive restarts, hence a changelogged store; in memory, since it is small. Caching collapses
     * the per-record writes of the collecting phase into one changelog write per commit.
     */
    static <V> StoreBuilder<KeyValueStore<String, V>> referenceStore(String name, Serde<V> serde) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde).withCachingEnabled();
    }
}

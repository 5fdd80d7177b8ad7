package io.kdstream.monitor.quality;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Request ids already counted, remembered for a bounded time: a window store keyed by request id whose entries
 * expire after twice the look-back, so memory follows the traffic of that span only.
 */
public final class SeenRequests {

    private final WindowStore<byte[], Long> store;
    private final long lookbackMs;

    private SeenRequests(WindowStore<byte[], Long> store, Duration lookback) {
        this.store = store;
        this.lookbackMs = lookback.toMillis();
    }

    /**
     * @param lookback how far apart in time two sightings of one request id still count as the same request; the
     *                 store must have been built with the same value
     */
    static SeenRequests open(ProcessingContext context, String storeName, Duration lookback) {
        WindowStore<byte[], Long> store = context.getStateStore(storeName);
        return new SeenRequests(store, lookback);
    }

    /**
     * In-memory and changelogged, so duplicates are still recognised after a restart. No caching: every request id
     * is written once, so a cache would save no changelog writes and only hold memory.
     */
    public static StoreBuilder<WindowStore<byte[], Long>> storeBuilder(String name, Duration lookback) {
        return Stores.windowStoreBuilder(
                Stores.inMemoryWindowStore(name, lookback.multipliedBy(2), Duration.ofMillis(1), false),
                Serdes.ByteArray(), Serdes.Long()).withCachingDisabled();
    }

    /** True the first time {@code requestId} is offered within the look-back of {@code timeMs}; it is remembered. */
    boolean firstSighting(byte[] requestId, long timeMs) {
        try (WindowStoreIterator<Long> earlier = store.fetch(requestId, timeMs - lookbackMs, timeMs + lookbackMs)) {
            if (earlier.hasNext()) {
                return false;
            }
        }
        store.put(requestId, timeMs, timeMs);
        return true;
    }
}

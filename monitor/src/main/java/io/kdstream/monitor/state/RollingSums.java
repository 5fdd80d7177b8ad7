package io.kdstream.monitor.state;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Sums of fixed-length vectors per series over a window that slides in steps: each step's sum is one entry of a
 * window store (series, step start), and the window ending now is the sum of its newest {@code steps} entries.
 * The window covers between {@code (steps − 1)/steps} and all of its length, never more.
 *
 * <p>Adding costs one read and one write; reading a window costs a scan of {@code steps} entries, so the figures can
 * be recomputed on every record. Steps older than the window expire with the store's retention.
 */
public final class RollingSums {

    private final WindowStore<String, double[]> store;
    private final long stepMs;
    private final int steps;

    public RollingSums(WindowStore<String, double[]> store, Duration window, int steps) {
        this.store = store;
        this.steps = steps;
        this.stepMs = stepMs(window, steps);
    }

    /**
     * An in-memory, changelogged window store for {@link RollingSums}. Caching is on: consecutive records of the same
     * step collapse into one changelog write per commit instead of one per record, and reads see the cache.
     */
    public static StoreBuilder<WindowStore<String, double[]>> storeBuilder(String name, Duration window, int steps) {
        Duration step = Duration.ofMillis(stepMs(window, steps));
        Duration retention = step.multipliedBy(steps + 1L);
        return Stores.windowStoreBuilder(Stores.inMemoryWindowStore(name, retention, step, false),
                Serdes.String(), CompactSerde.doubles()).withCachingEnabled();
    }

    /** Adds {@code increment} to the step holding {@code timeMs}. */
    public void add(String series, long timeMs, double[] increment) {
        long start = stepStart(timeMs);
        double[] sum = store.fetch(series, start);
        if (sum == null) {
            store.put(series, increment.clone(), start);
            return;
        }
        if (sum.length != increment.length) {
            throw new IllegalStateException("series " + series + " holds vectors of " + sum.length
                    + " values but an increment of " + increment.length + " arrived");
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += increment[i];
        }
        store.put(series, sum, start);
    }

    /** The sum over the window ending at {@code nowMs}, or a zero vector of {@code length} when it is empty. */
    public double[] window(String series, long nowMs, int length) {
        long newest = stepStart(nowMs);
        double[] total = new double[length];
        try (WindowStoreIterator<double[]> entries = store.fetch(series, newest - (steps - 1) * stepMs, newest)) {
            while (entries.hasNext()) {
                double[] sum = entries.next().value;
                for (int i = 0; i < Math.min(length, sum.length); i++) {
                    total[i] += sum[i];
                }
            }
        }
        return total;
    }

    private long stepStart(long timeMs) {
        return timeMs - Math.floorMod(timeMs, stepMs);
    }

    private static long stepMs(Duration window, int steps) {
        return Math.max(1, window.toMillis() / steps);
    }
}

package io.kdstream.monitor.freshness;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import io.kdstream.monitor.state.CompactSerde;

/**
 * What the freshness processor remembers of one model: the newest version already recorded, manifests not yet
 * served, and first predictions whose manifest has not been read yet. Both maps keep only the newest
 * {@link #KEPT} versions (a manifest the gateway refused is never served).
 */
public record FreshnessState(long lastRecorded, TreeMap<Long, Long> manifests, TreeMap<Long, Long> pending) {

    static final int KEPT = 16;

    static final CompactSerde<FreshnessState> SERDE = new CompactSerde<>("FreshnessState", FreshnessState::write, FreshnessState::read);

    static FreshnessState empty() {
        return new FreshnessState(Long.MIN_VALUE, new TreeMap<>(), new TreeMap<>());
    }

    /** The state after recording {@code version}: it and everything older is forgotten. */
    FreshnessState recorded(long version) {
        return new FreshnessState(version, new TreeMap<>(manifests.tailMap(version, false)),
                new TreeMap<>(pending.tailMap(version, false)));
    }

    /** Adds an entry to {@code map} (manifests or pending) unless it has one, dropping the oldest beyond {@link #KEPT}. */
    static void putBounded(TreeMap<Long, Long> map, long version, long timeMs) {
        map.putIfAbsent(version, timeMs);
        while (map.size() > KEPT) {
            map.pollFirstEntry();
        }
    }

    private static void write(FreshnessState state, DataOutput out) throws IOException {
        out.writeLong(state.lastRecorded);
        writeMap(state.manifests, out);
        writeMap(state.pending, out);
    }

    private static FreshnessState read(DataInput in) throws IOException {
        return new FreshnessState(in.readLong(), readMap(in), readMap(in));
    }

    private static void writeMap(TreeMap<Long, Long> map, DataOutput out) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<Long, Long> entry : map.entrySet()) {
            out.writeLong(entry.getKey());
            out.writeLong(entry.getValue());
        }
    }

    private static TreeMap<Long, Long> readMap(DataInput in) throws IOException {
        int size = in.readInt();
        TreeMap<Long, Long> map = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            map.put(in.readLong(), in.readLong());
        }
        return map;
    }
}

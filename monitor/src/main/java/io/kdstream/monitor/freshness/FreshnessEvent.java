package io.kdstream.monitor.freshness;

import io.kdstream.monitor.state.CompactSerde;

/**
 * Either a checkpoint manifest (version and the newest event time it trained on) or the first prediction seen with
 * a version (version and the prediction's time). Keyed by model name.
 *
 * @param timeMs the manifest's {@code lineage.eventTimeMax}, or the prediction's time
 */
public record FreshnessEvent(boolean manifest, long version, long timeMs) {

    public static final CompactSerde<FreshnessEvent> SERDE = new CompactSerde<>("FreshnessEvent",
            (event, out) -> {
                out.writeBoolean(event.manifest);
                out.writeLong(event.version);
                out.writeLong(event.timeMs);
            },
            in -> new FreshnessEvent(in.readBoolean(), in.readLong(), in.readLong()));

    public static FreshnessEvent manifest(long version, long eventTimeMax) {
        return new FreshnessEvent(true, version, eventTimeMax);
    }

    public static FreshnessEvent served(long version, long predictionTime) {
        return new FreshnessEvent(false, version, predictionTime);
    }
}

package io.kdstream.monitor.drift;

import java.util.Arrays;

import io.kdstream.monitor.state.CompactSerde;

/**
 * The reference class histogram of one distribution: counts from {@code startMs} on, frozen once the reference
 * span has passed and enough records were seen.
 */
public record Reference(long startMs, boolean frozen, double[] counts) {

    static final CompactSerde<Reference> SERDE = new CompactSerde<>("Reference",
            (reference, out) -> {
                out.writeLong(reference.startMs);
                out.writeBoolean(reference.frozen);
                CompactSerde.writeDoubles(reference.counts, out);
            },
            in -> new Reference(in.readLong(), in.readBoolean(), CompactSerde.readDoubles(in)));

    static Reference startingAt(long startMs, int classes) {
        return new Reference(startMs, false, new double[classes]);
    }

    Reference plus(int topClass) {
        double[] more = counts.clone();
        more[topClass]++;
        return new Reference(startMs, false, more);
    }

    Reference freeze() {
        return new Reference(startMs, true, counts);
    }

    double total() {
        return Arrays.stream(counts).sum();
    }
}

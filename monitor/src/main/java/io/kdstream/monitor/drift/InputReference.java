package io.kdstream.monitor.drift;

import java.util.Arrays;

import io.kdstream.core.drift.QuantileBins;
import io.kdstream.monitor.state.CompactSerde;

/**
 * The reference of input drift: while collecting, a bounded sample of the reference window's feature vectors
 * (reservoir sampling, so the sample covers the whole window however long it is); once frozen, per feature the
 * quantile bin edges of that sample and the sample's count in each bin. The sample is dropped when frozen.
 *
 * <p>Bounded in size: at most {@link #SAMPLE_SIZE} vectors of at most a hundred features, so the changelog record
 * stays well under Kafka's 1 MiB message limit.
 *
 * @param startMs  stream time of the first record
 * @param seen     vectors offered to the sample so far
 * @param features features per vector
 * @param sample   while collecting: up to {@link #SAMPLE_SIZE} vectors, flattened; empty once frozen
 * @param edges    once frozen: {@code bins − 1} edges per feature, flattened; empty while collecting
 * @param counts   once frozen: {@code bins} counts per feature, flattened; empty while collecting
 */
public record InputReference(long startMs, long seen, int features, double[] sample, double[] edges, double[] counts) {

    /** Vectors the reference sample holds at most. */
    public static final int SAMPLE_SIZE = 500;

    static final CompactSerde<InputReference> SERDE = new CompactSerde<>("InputReference",
            (reference, out) -> {
                out.writeLong(reference.startMs);
                out.writeLong(reference.seen);
                out.writeInt(reference.features);
                CompactSerde.writeDoubles(reference.sample, out);
                CompactSerde.writeDoubles(reference.edges, out);
                CompactSerde.writeDoubles(reference.counts, out);
            },
            in -> new InputReference(in.readLong(), in.readLong(), in.readInt(), CompactSerde.readDoubles(in),
                    CompactSerde.readDoubles(in), CompactSerde.readDoubles(in)));

    static InputReference startingAt(long startMs, int features) {
        return new InputReference(startMs, 0, features, new double[0], new double[0], new double[0]);
    }

    boolean frozen() {
        return counts.length > 0;
    }

    /**
     * The reference with {@code vector} offered to the sample: kept while the sample has room, afterwards it replaces
     * a random slot with probability size/seen (Algorithm R). The random draw is a hash of {@code seen}, so a replay
     * of the same records builds the same sample.
     */
    InputReference plus(double[] vector) {
        int held = sample.length / features;
        double[] next;
        if (held < SAMPLE_SIZE) {
            next = Arrays.copyOf(sample, sample.length + features);
            System.arraycopy(vector, 0, next, sample.length, features);
        } else {
            long slot = Math.floorMod(mix(seen), seen + 1);
            next = sample;
            if (slot < SAMPLE_SIZE) {
                next = sample.clone();
                System.arraycopy(vector, 0, next, (int) slot * features, features);
            }
        }
        return new InputReference(startMs, seen + 1, features, next, edges, counts);
    }

    /** The frozen reference: per feature, quantile edges of the sample and the sample's counts in those bins. */
    InputReference freeze(int bins) {
        int held = sample.length / features;
        double[] allEdges = new double[features * (bins - 1)];
        double[] allCounts = new double[features * bins];
        double[] column = new double[held];
        for (int f = 0; f < features; f++) {
            for (int r = 0; r < held; r++) {
                column[r] = sample[r * features + f];
            }
            double[] featureEdges = QuantileBins.edges(column, bins);
            System.arraycopy(featureEdges, 0, allEdges, f * (bins - 1), bins - 1);
            for (double value : column) {
                allCounts[f * bins + QuantileBins.bin(featureEdges, value)]++;
            }
        }
        return new InputReference(startMs, seen, features, new double[0], allEdges, allCounts);
    }

    /** Whether this reference was built for vectors of {@code features} features cut into {@code bins} bins. */
    boolean fits(int features, int bins) {
        return this.features == features && (!frozen() || counts.length == features * bins);
    }

    /** SplitMix64's finaliser: a well-spread hash of a counter. */
    private static long mix(long value) {
        long z = value * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

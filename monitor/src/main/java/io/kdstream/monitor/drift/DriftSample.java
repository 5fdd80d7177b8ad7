package io.kdstream.monitor.drift;

import io.kdstream.monitor.state.CompactSerde;

/**
 * One answer's top class, with the teacher's entropy at T = 1 (0 for the student, whose entropy is not tracked).
 * Keyed by {@code teacher} or {@code student}.
 */
public record DriftSample(int topClass, double entropy) {

    public static final CompactSerde<DriftSample> SERDE = new CompactSerde<>("DriftSample",
            (sample, out) -> {
                out.writeInt(sample.topClass);
                out.writeDouble(sample.entropy);
            },
            in -> new DriftSample(in.readInt(), in.readDouble()));
}

package io.kdstream.monitor.quality;

import java.io.DataInput;
import java.io.IOException;

import io.kdstream.monitor.state.CompactSerde;

/**
 * Additive quality counts of one model version: a single match or scored prediction, or their sum over a window.
 * Ratios are taken only at the end, so windows add up exactly.
 *
 * @param klSum sum of KL(teacher ‖ student) over the matches, nats
 */
public record Quality(double matched, double agreed, double klSum, double scored, double correct) {

    public static final CompactSerde<Quality> SERDE = new CompactSerde<>("Quality",
            (quality, out) -> CompactSerde.writeDoubles(quality.toVector(), out), Quality::read);

    static final int LENGTH = 5;

    public static Quality match(boolean agreed, double kl) {
        return new Quality(1, agreed ? 1 : 0, kl, 0, 0);
    }

    public static Quality score(boolean correct) {
        return new Quality(0, 0, 0, 1, correct ? 1 : 0);
    }

    public static Quality ofVector(double[] sums) {
        return new Quality(sums[0], sums[1], sums[2], sums[3], sums[4]);
    }

    public double[] toVector() {
        return new double[]{matched, agreed, klSum, scored, correct};
    }

    /** Share of matches whose top classes agree; NaN without matches. */
    public double agreement() {
        return matched == 0 ? Double.NaN : agreed / matched;
    }

    /** Mean KL over the matches; NaN without matches. */
    public double meanKl() {
        return matched == 0 ? Double.NaN : klSum / matched;
    }

    /** Share of scored predictions that were right; NaN without true labels. */
    public double accuracy() {
        return scored == 0 ? Double.NaN : correct / scored;
    }

    private static Quality read(DataInput in) throws IOException {
        double[] values = CompactSerde.readDoubles(in);
        if (values.length != LENGTH) {
            throw new IOException("expected " + LENGTH + " values but found " + values.length);
        }
        return ofVector(values);
    }
}

package io.kdstream.core.drift;

/**
 * Divergences between two distributions over the same classes, with natural logarithms (results in nats).
 *
 * <p>Every function takes non-negative, finite weights (counts or probabilities) and normalises each side to sum
 * 1 first, so a histogram of counts can be passed as it is. A term with {@code p_i = 0} contributes 0
 * ({@code 0 · ln 0 = 0}).
 *
 * <ul>
 *   <li>{@link #psi}: PSI = Σ (a_i − e_i) · ln(a_i / e_i), a = current (actual) shares, e = reference (expected)
 *   shares. It is the symmetric sum KL(a‖e) + KL(e‖a); an empty bin on either side would make it infinite, so
 *   shares below {@link #PSI_EPSILON} are raised to it. Common reading: below 0.1 stable, 0.1–0.25 moderate
 *   shift, above 0.25 a significant shift.</li>
 *   <li>{@link #jensenShannon}: JS(p, q) = ½ KL(p‖m) + ½ KL(q‖m) with m = ½ (p + q): symmetric, finite even
 *   with empty bins, between 0 and ln 2 ≈ 0.693.</li>
 *   <li>{@link #kl}: KL(p‖q) = Σ p_i · ln(p_i / q_i); infinite where q_i = 0 &lt; p_i.</li>
 *   <li>{@link #entropy}: H(p) = −Σ p_i · ln p_i, between 0 and ln(classes).</li>
 * </ul>
 */
public final class Divergences {

    /** The share an empty bin is given in {@link #psi}, so that PSI stays finite; a common choice in practice. */
    public static final double PSI_EPSILON = 1e-4;

    private Divergences() {
    }

    /**
     * Population stability index of the current histogram against the reference one.
     *
     * @throws IllegalArgumentException when the lengths differ, a weight is negative or not finite, or a side sums to 0
     */
    public static double psi(double[] reference, double[] current) {
        double[] e = normalised(reference, "reference");
        double[] a = normalised(current, "current");
        requireSameLength(e, a);
        double sum = 0;
        for (int i = 0; i < e.length; i++) {
            double expected = Math.max(e[i], PSI_EPSILON);
            double actual = Math.max(a[i], PSI_EPSILON);
            sum += (actual - expected) * Math.log(actual / expected);
        }
        return sum;
    }

    /** Jensen–Shannon divergence in nats, between 0 and ln 2. */
    public static double jensenShannon(double[] p, double[] q) {
        double[] pn = normalised(p, "p");
        double[] qn = normalised(q, "q");
        requireSameLength(pn, qn);
        double[] m = new double[pn.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (pn[i] + qn[i]) / 2;
        }
        return (klOfNormalised(pn, m) + klOfNormalised(qn, m)) / 2;
    }

    /** KL(p‖q) in nats; {@code Double.POSITIVE_INFINITY} when q rules out a class that p allows. */
    public static double kl(double[] p, double[] q) {
        double[] pn = normalised(p, "p");
        double[] qn = normalised(q, "q");
        requireSameLength(pn, qn);
        return klOfNormalised(pn, qn);
    }

    /** Shannon entropy in nats. */
    public static double entropy(double[] p) {
        double[] pn = normalised(p, "p");
        double sum = 0;
        for (double value : pn) {
            if (value > 0) {
                sum -= value * Math.log(value);
            }
        }
        return sum;
    }

    /** The weights divided by their sum. */
    public static double[] normalised(double[] weights, String name) {
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException(name + "[" + i + "] must be a finite, non-negative weight but is " + w);
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException(name + " must have a positive total weight but sums to " + total
                    + " over " + weights.length + " classes");
        }
        double[] out = new double[weights.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = weights[i] / total;
        }
        return out;
    }

    private static double klOfNormalised(double[] p, double[] q) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) {
                continue;
            }
            if (q[i] == 0) {
                return Double.POSITIVE_INFINITY;
            }
            sum += p[i] * Math.log(p[i] / q[i]);
        }
        return sum;
    }

    private static void requireSameLength(double[] first, double[] second) {
        if (first.length != second.length) {
            throw new IllegalArgumentException("both distributions must have the same classes, but one has "
                    + first.length + " and the other " + second.length);
        }
    }
}

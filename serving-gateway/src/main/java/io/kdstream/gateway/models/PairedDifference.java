package io.kdstream.gateway.models;

import java.util.Locale;

/**
 * Two models' hits (agreement with the teacher's top class) on the same examples, reduced to the paired difference
 * d_i = candidate hit − served hit ∈ {−1, 0, 1}. Only discordant examples carry information, which is why pairing
 * needs far fewer examples than comparing two rates from different samples.
 *
 * <p>The mean is (b − c) / n with b examples only the candidate gets right and c only the served model; its standard
 * error is √(var / n) with var = (b' + c') / n' − ((b' − c') / n')², where b' = b + ½, c' = c + ½, n' = n + 1: one
 * pseudo-discordant example split between the two keeps a handful of identical answers from claiming certainty.
 * The candidate counts as worse when even mean + z·SE stays below −allowance (a one-sided test at level 1 − Φ(z)).
 *
 * @param examples      n, the examples both models answered
 * @param candidateOnly b
 * @param servedOnly    c
 */
public record PairedDifference(int examples, int candidateOnly, int servedOnly) {

    public PairedDifference {
        if (examples < 0 || candidateOnly < 0 || servedOnly < 0 || candidateOnly + servedOnly > examples) {
            throw new IllegalArgumentException("impossible counts: " + candidateOnly + " + " + servedOnly
                    + " discordant of " + examples);
        }
    }

    /** Counts the discordant pairs of two hit vectors of equal length. */
    public static PairedDifference of(boolean[] candidateHits, boolean[] servedHits) {
        int candidateOnly = 0;
        int servedOnly = 0;
        for (int i = 0; i < candidateHits.length; i++) {
            if (candidateHits[i] && !servedHits[i]) {
                candidateOnly++;
            } else if (servedHits[i] && !candidateHits[i]) {
                servedOnly++;
            }
        }
        return new PairedDifference(candidateHits.length, candidateOnly, servedOnly);
    }

    /** Candidate agreement minus served agreement; 0 on no examples. */
    public double mean() {
        return examples == 0 ? 0 : (candidateOnly - servedOnly) / (double) examples;
    }

    public double standardError() {
        if (examples == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double n = examples + 1.0;
        double smoothedMean = (candidateOnly - servedOnly) / n;
        double variance = Math.max((candidateOnly + servedOnly + 1.0) / n - smoothedMean * smoothedMean, 0);
        return Math.sqrt(variance / examples);
    }

    /**
     * The z to use for each of {@code tests} simultaneous one-sided tests so that together they err about as rarely
     * as one test at {@code z} (Bonferroni): the normal tail falls like e^(−z²/2), so dividing its level by k adds
     * 2·ln k to z². For z = 2 and 10 classes it gives 2.93.
     */
    public static double zForEach(double z, int tests) {
        return tests <= 1 ? z : Math.sqrt(z * z + 2 * Math.log(tests));
    }

    /** mean + z·SE: the best the candidate may plausibly be relative to the served model. */
    public double upperBound(double z) {
        return mean() + z * standardError();
    }

    /** True when the candidate is worse beyond {@code allowance} even at its plausible best. */
    public boolean worseBeyond(double allowance, double z) {
        return upperBound(z) < -allowance;
    }

    public String describe(double z) {
        return String.format(Locale.ROOT, "difference %+.4f ± %.4f (z %.1f; %d only the candidate, %d only the served model, of %d)",
                mean(), z * standardError(), z, candidateOnly, servedOnly, examples);
    }
}

package io.kdstream.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DivergencesTest {

    private static final double TOLERANCE = 1e-9;

    /**
     * Reference 50/50, current 80/20: e = (0.5, 0.5), a = (0.8, 0.2).
     * PSI = (0.8 − 0.5)·ln(0.8/0.5) + (0.2 − 0.5)·ln(0.2/0.5) = 0.3·ln 1.6 + 0.3·ln 2.5 = 0.3·ln 4 = 0.415888308.
     */
    @Test
    void shouldComputePsiOfAShiftedMixByHand() {
        double psi = Divergences.psi(new double[]{50, 50}, new double[]{80, 20});

        assertThat(psi).isCloseTo(0.3 * Math.log(4), within(TOLERANCE)).isCloseTo(0.415888308, within(1e-8));
    }

    /**
     * Reference (1, 0), current (0, 1): both empty bins become ε = 1e-4, so
     * PSI = (ε − 1)·ln(ε/1) + (1 − ε)·ln(1/ε) = 2·(1 − ε)·ln(1/ε) = 2 · 0.9999 · 9.210340372 = 18.418838.
     */
    @Test
    void shouldKeepPsiFiniteWithEmptyBins() {
        double psi = Divergences.psi(new double[]{7, 0}, new double[]{0, 3});

        assertThat(psi).isCloseTo(2 * 0.9999 * Math.log(1e4), within(TOLERANCE)).isCloseTo(18.418838, within(1e-5));
    }

    @Test
    void shouldGiveZeroPsiForTheSameMixAtAnyScale() {
        assertThat(Divergences.psi(new double[]{1, 2, 3}, new double[]{10, 20, 30})).isCloseTo(0, within(TOLERANCE));
    }

    /**
     * p = (0.5, 0.5), q = (0.8, 0.2), m = (0.65, 0.35).
     * KL(p‖m) = 0.5·ln(0.5/0.65) + 0.5·ln(0.5/0.35) = 0.5·(−0.262364264) + 0.5·0.356674944 = 0.047155340;
     * KL(q‖m) = 0.8·ln(0.8/0.65) + 0.2·ln(0.2/0.35) = 0.8·0.207639365 + 0.2·(−0.559615788) = 0.054188334;
     * JS = (0.047155340 + 0.054188334) / 2 = 0.050671837.
     */
    @Test
    void shouldComputeJensenShannonByHand() {
        double js = Divergences.jensenShannon(new double[]{0.5, 0.5}, new double[]{0.8, 0.2});

        assertThat(js).isCloseTo(0.050671837, within(1e-8));
        assertThat(Divergences.jensenShannon(new double[]{0.8, 0.2}, new double[]{0.5, 0.5})).isCloseTo(js, within(TOLERANCE));
    }

    /** Disjoint supports: m = (½, ½), each KL is 1·ln(1/½) = ln 2, so JS reaches its maximum ln 2. */
    @Test
    void shouldBoundJensenShannonByLnTwo() {
        assertThat(Divergences.jensenShannon(new double[]{1, 0}, new double[]{0, 4})).isCloseTo(Math.log(2), within(TOLERANCE));
    }

    /** KL((0.5, 0.5) ‖ (0.8, 0.2)) = 0.5·ln(0.5/0.8) + 0.5·ln(0.5/0.2) = 0.5·ln(0.625 · 2.5) = 0.5·ln 1.5625 = ln 1.25. */
    @Test
    void shouldComputeKlByHand() {
        assertThat(Divergences.kl(new double[]{0.5, 0.5}, new double[]{0.8, 0.2})).isCloseTo(Math.log(1.25), within(TOLERANCE));
        assertThat(Divergences.kl(new double[]{0.2, 0.8}, new double[]{0.2, 0.8})).isCloseTo(0, within(TOLERANCE));
    }

    @Test
    void shouldGiveInfiniteKlWhereQRulesOutAClassOfP() {
        assertThat(Divergences.kl(new double[]{0.5, 0.5}, new double[]{1, 0})).isInfinite();
        assertThat(Divergences.kl(new double[]{1, 0}, new double[]{0.5, 0.5})).isCloseTo(Math.log(2), within(TOLERANCE));
    }

    /** H(½, ¼, ¼) = ½·ln 2 + 2·¼·ln 4 = ½·ln 2 + ln 2 = 1.5·ln 2 = 1.039720771; uniform over 10 classes gives ln 10. */
    @Test
    void shouldComputeEntropyByHand() {
        assertThat(Divergences.entropy(new double[]{2, 1, 1})).isCloseTo(1.5 * Math.log(2), within(TOLERANCE));
        assertThat(Divergences.entropy(new double[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1})).isCloseTo(Math.log(10), within(TOLERANCE));
        assertThat(Divergences.entropy(new double[]{0, 1, 0})).isZero();
    }

    @Test
    void shouldNameTheProblemWithBadWeights() {
        assertThatThrownBy(() -> Divergences.psi(new double[]{1, 2}, new double[]{1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one has 2 and the other 3");
        assertThatThrownBy(() -> Divergences.kl(new double[]{1, -1}, new double[]{1, 1}))
                .hasMessageContaining("p[1] must be a finite, non-negative weight but is -1.0");
        assertThatThrownBy(() -> Divergences.entropy(new double[]{0, 0}))
                .hasMessageContaining("positive total weight but sums to 0.0");
        assertThatThrownBy(() -> Divergences.jensenShannon(new double[]{1, Double.NaN}, new double[]{1, 1}))
                .hasMessageContaining("p[1]");
    }
}

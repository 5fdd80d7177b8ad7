package io.kdstream.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PairedDifferenceTest {

    @Test
    void shouldComputeTheMeanAndStandardErrorOfThePairedDifference() {
        // given 100 examples, 6 right only by the candidate and 10 only by the served model
        PairedDifference difference = new PairedDifference(100, 6, 10);

        // then mean = (6 − 10) / 100 = −0.04; with b' = 6.5, c' = 10.5, n' = 101:
        // var = 17 / 101 − (4 / 101)² = 0.168317 − 0.001568 = 0.166749; SE = √(0.166749 / 100) = 0.040835
        assertThat(difference.mean()).isCloseTo(-0.04, within(1e-12));
        assertThat(difference.standardError()).isCloseTo(0.040835, within(1e-6));
        assertThat(difference.upperBound(2)).isCloseTo(0.041670, within(1e-6));
        assertThat(difference.worseBeyond(0.01, 2)).isFalse();
    }

    @Test
    void shouldCountOnlyDiscordantPairs() {
        boolean[] candidate = {true, true, false, false, true};
        boolean[] served = {true, false, true, false, false};

        assertThat(PairedDifference.of(candidate, served)).isEqualTo(new PairedDifference(5, 2, 1));
    }

    @Test
    void shouldCallAClearDropWorseAndNotLetAFewIdenticalAnswersClaimCertainty() {
        // 1000 examples, the candidate loses 60 the served model gets and wins 10: a 5-point drop
        assertThat(new PairedDifference(1000, 10, 60).worseBeyond(0.01, 2)).isTrue();
        // 3 examples, all lost: the pseudo-discordance keeps the error from being 0
        assertThat(new PairedDifference(3, 0, 3).standardError()).isGreaterThan(0);
        // no discordant pair at all: the models answered alike, nothing to refuse
        assertThat(new PairedDifference(500, 0, 0).worseBeyond(0, 2)).isFalse();
    }

    @Test
    void shouldTestEachOfSeveralClassesAtAStricterZ() {
        // √(4 + 2·ln 10) = √8.605170 = 2.933457
        assertThat(PairedDifference.zForEach(2, 10)).isCloseTo(2.933457, within(1e-6));
        assertThat(PairedDifference.zForEach(2, 1)).isEqualTo(2);
    }
}

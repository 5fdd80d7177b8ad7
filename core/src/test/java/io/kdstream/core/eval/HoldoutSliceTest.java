package io.kdstream.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class HoldoutSliceTest {

    @Test
    void shouldHoldOutByTheHashOfTheRequestIdAsTheContractSays() {
        HoldoutSlice slice = new HoldoutSlice(50);

        IntStream.range(0, 5000).mapToObj(i -> "req-" + i).forEach(id ->
                assertThat(slice.isHeldOut(id)).as(id).isEqualTo(Math.floorMod(HoldoutSlice.spread(id.hashCode()), 1000) < 50));
    }

    @Test
    void shouldHoldOutRoughlyThePermilleAsked() {
        HoldoutSlice slice = new HoldoutSlice(100);

        long held = IntStream.range(0, 20_000).mapToObj(i -> "r" + i * 7919).filter(slice::isHeldOut).count();

        assertThat(held).isBetween(1600L, 2400L);
    }

    @Test
    void shouldHoldOutAboutThePermilleOfEveryRunOfSequentialReplayIds() {
        // given 50 replay runs of 2,000 ids each, <run>-0 .. <run>-1999 as kd replay names them
        HoldoutSlice slice = new HoldoutSlice(50);
        Random runs = new Random(7);

        for (int run = 0; run < 50; run++) {
            String prefix = HexFormat.of().toHexDigits(runs.nextInt()) + "-";
            long held = IntStream.range(0, 2000).mapToObj(i -> prefix + i).filter(slice::isHeldOut).count();

            // then each run holds out about 100 (a binomial's standard deviation is about 10), never none
            assertThat(held).as("held out of run %s", prefix).isBetween(55L, 145L);
        }
    }

    @Test
    void shouldSpreadHashesAsMurmurHash3sFinaliserDoes() {
        // (fmix32 values from the reference implementation)
        assertThat(HoldoutSlice.spread(0)).isZero();
        assertThat(HoldoutSlice.spread(1)).isEqualTo(0x514e28b7);
    }

    @Test
    void shouldHoldOutNothingAtZero() {
        assertThat(new HoldoutSlice(0).isHeldOut("anything")).isFalse();
        assertThatThrownBy(() -> new HoldoutSlice(1000)).hasMessageContaining("0..999");
    }
}

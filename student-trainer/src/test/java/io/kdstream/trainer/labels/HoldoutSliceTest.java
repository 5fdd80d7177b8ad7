package io.kdstream.trainer.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class HoldoutSliceTest {

    @Test
    void shouldHoldOutByTheHashOfTheRequestIdAsTheContractSays() {
        HoldoutSlice slice = new HoldoutSlice(50);

        IntStream.range(0, 5000).mapToObj(i -> "req-" + i).forEach(id ->
                assertThat(slice.isHeldOut(id)).as(id).isEqualTo(Math.floorMod(id.hashCode(), 1000) < 50));
    }

    @Test
    void shouldHoldOutRoughlyThePermilleAsked() {
        HoldoutSlice slice = new HoldoutSlice(100);

        long held = IntStream.range(0, 20_000).mapToObj(i -> "r" + i * 7919).filter(slice::isHeldOut).count();

        assertThat(held).isBetween(1600L, 2400L);
    }

    @Test
    void shouldHoldOutNothingAtZero() {
        assertThat(new HoldoutSlice(0).isHeldOut("anything")).isFalse();
        assertThatThrownBy(() -> new HoldoutSlice(1000)).hasMessageContaining("0..999");
    }
}

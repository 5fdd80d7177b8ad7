package io.kdstream.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HoldoutSliceTest {

    private static final byte[] KEY = "a holdout key for the slice tests".getBytes(StandardCharsets.UTF_8);
    private static final int IDS = 20_000;

    /**
     * Sequential and structured ids, as clients and the replay tool make them. {@code String.hashCode} held out 7 of
     * {@code row-0..row-599} at permille 100 and at 300 alike (its values for such ids fall in a few narrow bands).
     */
    private static final List<IntFunction<String>> ID_SHAPES = List.of(
            i -> "row-" + i,
            i -> "req-" + i,
            Integer::toString,
            i -> "r" + i * 7919,
            i -> String.format("2026-12-02T17:%02d:%02d.%03dZ-client-7", i / 60_000 % 60, i / 1000 % 60, i % 1000),
            i -> "image-" + i % 100 + "-" + i / 100);

    @ParameterizedTest
    @CsvSource({"50", "100", "300"})
    void shouldHoldOutThePermilleAskedOfSequentialAndStructuredIds(int permille) {
        HoldoutSlice slice = new HoldoutSlice(permille, KEY);
        double expected = IDS * permille / 1000.0;
        // five standard deviations of a binomial draw: a uniform hash passes, a banded one does not
        double allowance = 5 * Math.sqrt(IDS * permille / 1000.0 * (1 - permille / 1000.0));

        for (int shape = 0; shape < ID_SHAPES.size(); shape++) {
            IntFunction<String> ids = ID_SHAPES.get(shape);
            long held = IntStream.range(0, IDS).mapToObj(ids).filter(slice::isHeldOut).count();
            assertThat((double) held).as("held out of %d ids shaped like %s", IDS, ids.apply(0))
                    .isBetween(expected - allowance, expected + allowance);
        }
    }

    @Test
    void shouldHoldOutAboutATenthOfTheTabularTaskItsRowIds() {
        HoldoutSlice slice = new HoldoutSlice(100, KEY);

        long held = IntStream.range(0, 600).mapToObj(i -> "row-" + i).filter(slice::isHeldOut).count();

        assertThat(held).isBetween(35L, 85L);
    }

    @Test
    void shouldChooseTheSameSliceWithTheSameKeyAndAnotherWithAnotherKey() {
        HoldoutSlice slice = new HoldoutSlice(100, KEY);
        HoldoutSlice again = new HoldoutSlice(100, KEY.clone());
        HoldoutSlice otherKey = new HoldoutSlice(100, "another key of the same length!!!".getBytes(StandardCharsets.UTF_8));

        List<String> ids = IntStream.range(0, IDS).mapToObj(i -> "req-" + i).toList();
        List<String> held = ids.stream().filter(slice::isHeldOut).toList();

        assertThat(ids.stream().filter(again::isHeldOut).toList()).isEqualTo(held);
        // independent slices of 10% share about 1% of the ids, not the 10% one slice would share with itself
        assertThat(held.stream().filter(otherKey::isHeldOut).count()).isBetween(100L, 300L);
    }

    @Test
    void shouldNotFollowStringHashCode() {
        HoldoutSlice slice = new HoldoutSlice(500, KEY);

        long disagreeing = IntStream.range(0, 2000).mapToObj(i -> "req-" + i)
                .filter(id -> slice.isHeldOut(id) != Math.floorMod(id.hashCode(), 1000) < 500).count();

        assertThat(disagreeing).isBetween(800L, 1200L);
    }

    @Test
    void shouldHoldOutNothingAtZeroAndRefuseBadSettings() {
        assertThat(new HoldoutSlice(0, KEY).isHeldOut("anything")).isFalse();
        assertThatThrownBy(() -> new HoldoutSlice(1000, KEY)).hasMessageContaining("0..999");
        assertThatThrownBy(() -> new HoldoutSlice(50, new byte[15])).hasMessageContaining("at least 16 bytes");
    }
}

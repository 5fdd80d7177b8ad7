package io.kdstream.teacher.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatcherTest {

    private static final long MS = 1_000_000;

    @Test
    void shouldCloseABatchWhenItIsFull() {
        Batcher<String> batcher = new Batcher<>(3, 5 * MS);

        assertThat(batcher.add("a", 0)).isFalse();
        assertThat(batcher.add("b", MS)).isFalse();
        assertThat(batcher.isDue(MS)).isFalse();
        assertThat(batcher.add("c", MS)).isTrue();

        assertThat(batcher.isDue(MS)).isTrue();
        assertThat(batcher.nanosUntilDue(MS)).isZero();
        assertThat(batcher.take()).containsExactly("a", "b", "c");
        assertThat(batcher.size()).isZero();
    }

    @Test
    void shouldCloseAPartialBatchWhenItsFirstItemHasWaitedLongEnough() {
        Batcher<String> batcher = new Batcher<>(64, 5 * MS);
        assertThat(batcher.nanosUntilDue(0)).isEqualTo(Long.MAX_VALUE);

        batcher.add("a", 10 * MS);
        batcher.add("b", 13 * MS);

        assertThat(batcher.nanosUntilDue(13 * MS)).isEqualTo(2 * MS);
        assertThat(batcher.isDue(14 * MS)).isFalse();
        assertThat(batcher.isDue(15 * MS)).isTrue();
        assertThat(batcher.take()).containsExactly("a", "b");
        // the next batch's clock starts at its own first item
        batcher.add("c", 40 * MS);
        assertThat(batcher.isDue(44 * MS)).isFalse();
    }

    @Test
    void shouldNeverWaitWhenTheWaitIsZero() {
        Batcher<String> batcher = new Batcher<>(64, 0);

        batcher.add("a", 7);

        assertThat(batcher.isDue(7)).isTrue();
    }
}

package io.kdstream.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddingQueueTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldHoldAtMostItsCapacityDroppingTheOldestFirst() {
        // given a ring of three rows of width 2
        EmbeddingQueue queue = new EmbeddingQueue(3, 2);

        // when two batches of two rows arrive
        queue.add(new float[]{1, 1, 2, 2});
        queue.add(new float[]{3, 3, 4, 4});

        // then the oldest row is gone and the rest come oldest first
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.toArray(manager).toFloatArray()).containsExactly(2, 2, 3, 3, 4, 4);
        assertThat(queue.toArray(manager).getShape().getShape()).containsExactly(3, 2);
    }

    @Test
    void shouldKeepOnlyTheNewestRowsOfABatchLargerThanItself() {
        EmbeddingQueue queue = new EmbeddingQueue(3, 1);
        queue.add(new float[]{9});

        queue.add(new float[]{1, 2, 3, 4, 5});

        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.toArray(manager).toFloatArray()).containsExactly(3, 4, 5);
    }

    @Test
    void shouldStayBoundedOverALongStream() {
        EmbeddingQueue queue = new EmbeddingQueue(5, 1);

        for (int batch = 0; batch < 100; batch++) {
            queue.add(new float[]{3 * batch, 3 * batch + 1, 3 * batch + 2});
        }

        assertThat(queue.size()).isEqualTo(5);
        assertThat(queue.toArray(manager).toFloatArray()).containsExactly(295, 296, 297, 298, 299);
    }

    @Test
    void shouldForgetEverythingWhenCleared() {
        EmbeddingQueue queue = new EmbeddingQueue(2, 1);
        queue.add(new float[]{1, 2});

        queue.clear();
        queue.add(new float[]{7});

        assertThat(queue.toArray(manager).toFloatArray()).containsExactly(7);
    }

    @Test
    void shouldRefuseRowsOfAnotherWidth() {
        EmbeddingQueue queue = new EmbeddingQueue(2, 3);

        assertThatThrownBy(() -> queue.add(new float[]{1, 2, 3, 4})).hasMessageContaining("width 3");
        assertThat(queue.size()).isZero();
    }
}

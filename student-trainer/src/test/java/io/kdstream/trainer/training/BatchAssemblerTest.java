package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {

    @Test
    void shouldPackNewExamplesRowMajorOnceABatchIsFull() {
        BatchAssembler assembler = new BatchAssembler(2, 3, 2, 2, null);

        Optional<Batch> first = assembler.add(example("a", 1f, 0, 2));
        Optional<Batch> second = assembler.add(example("b", 2f, -1, 2));

        assertThat(first).isEmpty();
        Batch batch = second.orElseThrow();
        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.newExamples()).isEqualTo(2);
        assertThat(batch.inputs()).containsExactly(1f, 1f, 2f, 2f);
        assertThat(batch.teacher()).containsExactly(1f, 0f, 0f, 2f, 0f, 0f);
        assertThat(batch.labels()).containsExactly(0, -1);
        assertThat(assembler.pending()).isZero();
    }

    @Test
    void shouldTopUpWithReplaysOfEarlierBatchesOnly() {
        // given batches of 4 with 2 new examples each
        ReplayBuffer replay = new ReplayBuffer(100, new Random(3));
        BatchAssembler assembler = new BatchAssembler(1, 3, 4, 2, replay);

        // when the first batch is built the buffer is empty, the second replays the first
        assembler.add(example("a", 1f, 0));
        Batch first = assembler.add(example("b", 2f, 1)).orElseThrow();
        assembler.add(example("c", 3f, 2));
        Batch second = assembler.add(example("d", 4f, 2)).orElseThrow();

        // then
        assertThat(first.size()).isEqualTo(2);
        assertThat(first.inputs()).containsExactly(1f, 2f);
        assertThat(second.size()).isEqualTo(4);
        assertThat(second.newExamples()).isEqualTo(2);
        assertThat(second.inputs()).startsWith(3f, 4f);
        assertThat(new float[]{second.inputs()[2], second.inputs()[3]}).containsExactlyInAnyOrder(1f, 2f);
        assertThat(replay.size()).isEqualTo(4);
    }

    @Test
    void shouldFlushAPartialBatchWithProportionalReplays() {
        ReplayBuffer replay = new ReplayBuffer(100, new Random(3));
        BatchAssembler assembler = new BatchAssembler(1, 3, 8, 4, replay);
        for (int i = 0; i < 4; i++) {
            assembler.add(example("old" + i, i, 0));
        }

        assembler.add(example("new", 9f, 0));
        Batch partial = assembler.flush().orElseThrow();

        assertThat(partial.newExamples()).isEqualTo(1);
        assertThat(partial.size()).isEqualTo(2);
        assertThat(assembler.flush()).isEmpty();
    }

    @Test
    void shouldRefuseReplaySharesWithoutABuffer() {
        assertThatThrownBy(() -> new BatchAssembler(1, 3, 8, 4, null)).hasMessageContaining("need a replay buffer");
    }

    private static Example example(String id, float value, int label) {
        return example(id, value, label, 1);
    }

    private static Example example(String id, float value, int label, int inputSize) {
        float[] input = new float[inputSize];
        Arrays.fill(input, value);
        return new Example(id, input, new float[]{value, 0, 0}, label, 0, 0);
    }
}

package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    @Test
    void shouldKeepAUniformSampleOfEverythingOfferedWithinItsCapacity() {
        // given a buffer of 100 offered 10,000 examples, many times over
        int[] keptFromFirstHalf = new int[1];
        for (int run = 0; run < 20; run++) {
            ReplayBuffer buffer = new ReplayBuffer(100, new Random(run));
            for (int i = 0; i < 10_000; i++) {
                buffer.add(example("r" + i));
            }
            assertThat(buffer.size()).isEqualTo(100);
            keptFromFirstHalf[0] += (int) buffer.sample(100).stream()
                    .filter(e -> Integer.parseInt(e.requestId().substring(1)) < 5000).count();
        }

        // then old and new examples are kept alike: about half of 2,000 from the first half of the stream
        assertThat(keptFromFirstHalf[0]).isBetween(850, 1150);
    }

    @Test
    void shouldSampleDistinctExamples() {
        ReplayBuffer buffer = new ReplayBuffer(50, new Random(1));
        for (int i = 0; i < 50; i++) {
            buffer.add(example("r" + i));
        }

        List<Example> sample = buffer.sample(30);

        assertThat(sample).hasSize(30).doesNotHaveDuplicates();
        assertThat(buffer.sample(80)).hasSize(50);
    }

    @Test
    void shouldFillInALateTrueLabel() {
        ReplayBuffer buffer = new ReplayBuffer(10, new Random(1));
        buffer.add(example("a"));

        assertThat(buffer.updateLabel("a", 7)).isTrue();
        assertThat(buffer.updateLabel("missing", 7)).isFalse();
        assertThat(buffer.sample(1).get(0).trueLabel()).isEqualTo(7);
    }

    private static Example example(String id) {
        return new Example(id, new float[]{0f}, null, Example.UNKNOWN_LABEL, 0, -1);
    }
}

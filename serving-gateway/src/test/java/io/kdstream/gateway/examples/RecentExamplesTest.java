package io.kdstream.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kdstream.schemas.DType;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.PartitionOffset;
import io.kdstream.schemas.Tensor;
import org.junit.jupiter.api.Test;

class RecentExamplesTest {

    private static final Tensor INPUT = new Tensor(DType.UINT8, List.of(1), ByteBuffer.wrap(new byte[1]));

    @Test
    void shouldKeepOnlyTheNewestExamplesAndOnlyThoseATrainerHasNotConsumed() {
        // given a ring of 4 that saw offsets 0..5 of partition 0 and 0..1 of partition 1
        RecentExamples recent = new RecentExamples(4);
        for (long offset = 0; offset < 6; offset++) {
            recent.add(example(0, offset));
        }
        recent.add(example(1, 0));
        recent.add(example(1, 1));

        // then it holds the newest 4, and a lineage that consumed partition 0 up to 5 leaves 5 and both of partition 1
        assertThat(recent.size()).isEqualTo(4);
        assertThat(recent.unseen(Map.of(0, 5L), 10)).extracting(e -> e.partition() + "@" + e.offset())
                .containsExactly("1@1", "1@0", "0@5");
        assertThat(recent.unseen(Map.of(0, 5L, 1, 1L), 1)).extracting(LabelledExample::offset).containsExactly(1L);
    }

    @Test
    void shouldWaitForEnoughUnseenExamplesButNoLongerThanAsked() throws Exception {
        RecentExamples recent = new RecentExamples(100);
        Thread producer = new Thread(() -> {
            for (long offset = 10; offset < 20; offset++) {
                recent.add(example(0, offset));
            }
        });

        long start = System.nanoTime();
        List<LabelledExample> none = recent.awaitUnseen(Map.of(0, 10L), 5, 10, Duration.ofMillis(100));
        assertThat(none).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

        producer.start();
        List<LabelledExample> found = recent.awaitUnseen(Map.of(0, 10L), 5, 10, Duration.ofSeconds(10));
        assertThat(found).hasSizeGreaterThanOrEqualTo(5);
        producer.join();
    }

    @Test
    void shouldReadTheLineageOffsetsOfTheSoftLabelTopicOnly() {
        Lineage lineage = Lineage.newBuilder().setSamplesSeen(10).setOffsets(List.of(
                new PartitionOffset("kd-soft-labels", 0, 7L), new PartitionOffset("kd-soft-labels", 1, 3L),
                new PartitionOffset("kd-ground-truth", 0, 99L))).build();

        assertThat(RecentExamples.nextOffsets(lineage, "kd-soft-labels")).isEqualTo(Map.of(0, 7L, 1, 3L));
    }

    private static LabelledExample example(int partition, long offset) {
        return new LabelledExample(partition, offset, INPUT, new float[]{1f, 0f}, -1);
    }
}

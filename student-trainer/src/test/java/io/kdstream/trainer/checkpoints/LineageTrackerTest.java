package io.kdstream.trainer.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.PartitionOffset;
import io.kdstream.trainer.labels.Example;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LineageTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("kd-soft-labels", 0);
    private static final TopicPartition P1 = new TopicPartition("kd-soft-labels", 1);

    @Test
    void shouldRecordNextOffsetsSamplesAndTimeRanges() {
        // given
        LineageTracker tracker = LineageTracker.fresh();
        tracker.startAt(P1, 40);
        assertThat(tracker.changed()).as("a start position is not consumption").isFalse();

        // when two examples are trained and one more record is consumed
        tracker.trained(example(100, 150));
        tracker.consumed(P0, 7);
        tracker.trained(example(90, 300));
        tracker.consumed(P0, 8);
        tracker.consumed(P1, 40);

        // then
        Lineage lineage = tracker.toLineage("teacher");
        assertThat(lineage.getSamplesSeen()).isEqualTo(2);
        assertThat(lineage.getOffsets()).containsExactly(new PartitionOffset("kd-soft-labels", 0, 9L),
                new PartitionOffset("kd-soft-labels", 1, 41L));
        assertThat(lineage.getLabelTimeMin()).isEqualTo(150L);
        assertThat(lineage.getLabelTimeMax()).isEqualTo(300L);
        assertThat(lineage.getEventTimeMax()).isEqualTo(100L);
        assertThat(tracker.commitOffsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(9), P1, new OffsetAndMetadata(41)));
        assertThat(tracker.changed()).isTrue();
    }

    @Test
    void shouldContinueFromACheckpointsLineageAndCopyIndependently() {
        LineageTracker tracker = LineageTracker.from(new Lineage(500L, "teacher",
                java.util.List.of(new PartitionOffset("kd-soft-labels", 0, 70L)), 1L, 2L, 3L));
        LineageTracker copy = tracker.copy();

        tracker.consumed(P0, 70);
        tracker.trained(example(4, 5));
        tracker.markPublished();

        assertThat(tracker.changed()).isFalse();
        assertThat(tracker.samplesSeen()).isEqualTo(501);
        assertThat(tracker.nextOffsets()).containsEntry(P0, 71L);
        assertThat(copy.samplesSeen()).isEqualTo(500);
        assertThat(copy.nextOffsets()).containsEntry(P0, 70L);
    }

    @Test
    void shouldKeepWhatWasConsumedAfterAPublishedCopyAsUnpublished() {
        // given a copy taken for a checkpoint, then one more record consumed while it is published
        LineageTracker tracker = LineageTracker.fresh();
        tracker.consumed(P0, 0);
        LineageTracker covered = tracker.copy();
        tracker.consumed(P0, 1);

        // when the checkpoint of the copy is published
        tracker.markPublished(covered);

        // then the later record still waits for the next checkpoint, and a copy published in full is up to date
        assertThat(tracker.changed()).isTrue();
        tracker.markPublished(tracker.copy());
        assertThat(tracker.changed()).isFalse();
    }

    private static Example example(long eventTime, long labelledTime) {
        return new Example("r", new float[]{0f}, null, Example.UNKNOWN_LABEL, eventTime, labelledTime);
    }
}

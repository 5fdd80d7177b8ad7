package io.kdstream.trainer.checkpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.PartitionOffset;
import io.kdstream.trainer.labels.Example;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the student has consumed so far: examples trained on, the next offset of every input partition, and the
 * time range of the labels. A checkpoint carries it as its {@link Lineage}, committed in the same transaction as
 * the consumer offsets, so that after a crash training resumes exactly after the last example the weights saw.
 */
public final class LineageTracker {

    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private long samplesSeen;
    private Long labelTimeMin;
    private Long labelTimeMax;
    private Long eventTimeMax;
    /** Records used up so far, and how many of them the newest published checkpoint covers. */
    private long consumedRecords;
    private long publishedRecords;

    public static LineageTracker fresh() {
        return new LineageTracker();
    }

    /** The lineage of a checkpoint, to continue from. */
    public static LineageTracker from(Lineage lineage) {
        LineageTracker tracker = new LineageTracker();
        tracker.samplesSeen = lineage.getSamplesSeen();
        tracker.labelTimeMin = lineage.getLabelTimeMin();
        tracker.labelTimeMax = lineage.getLabelTimeMax();
        tracker.eventTimeMax = lineage.getEventTimeMax();
        for (PartitionOffset offset : lineage.getOffsets()) {
            tracker.nextOffsets.put(new TopicPartition(offset.getTopic(), offset.getPartition()), offset.getOffset());
        }
        return tracker;
    }

    public LineageTracker copy() {
        LineageTracker copy = new LineageTracker();
        copy.nextOffsets.putAll(nextOffsets);
        copy.samplesSeen = samplesSeen;
        copy.labelTimeMin = labelTimeMin;
        copy.labelTimeMax = labelTimeMax;
        copy.eventTimeMax = eventTimeMax;
        copy.consumedRecords = consumedRecords;
        copy.publishedRecords = publishedRecords;
        return copy;
    }

    /** Where reading a partition starts when no checkpoint knew it (it counts as nothing consumed). */
    public void startAt(TopicPartition partition, long position) {
        nextOffsets.putIfAbsent(partition, position);
    }

    /** A record was used up: trained on, held out, dead-lettered, or read for its true label. */
    public void consumed(TopicPartition partition, long offset) {
        nextOffsets.put(partition, offset + 1);
        consumedRecords++;
    }

    /** An example went into a training batch. */
    public void trained(Example example) {
        samplesSeen++;
        if (example.labelledTime() >= 0) {
            labelTimeMin = labelTimeMin == null ? example.labelledTime() : Math.min(labelTimeMin, example.labelledTime());
            labelTimeMax = labelTimeMax == null ? example.labelledTime() : Math.max(labelTimeMax, example.labelledTime());
        }
        eventTimeMax = eventTimeMax == null ? example.eventTime() : Math.max(eventTimeMax, example.eventTime());
    }

    /** True when records were consumed since the last {@link #markPublished}. */
    public boolean changed() {
        return consumedRecords != publishedRecords;
    }

    public void markPublished() {
        publishedRecords = consumedRecords;
    }

    /**
     * A checkpoint of an earlier copy of this lineage was published: what was consumed since that copy was taken
     * still counts as not published.
     */
    public void markPublished(LineageTracker published) {
        publishedRecords = published.consumedRecords;
    }

    public long samplesSeen() {
        return samplesSeen;
    }

    /** The next offset to read per partition. */
    public Map<TopicPartition, Long> nextOffsets() {
        return Map.copyOf(nextOffsets);
    }

    /** The offsets to commit with the checkpoint. */
    public Map<TopicPartition, OffsetAndMetadata> commitOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        return offsets;
    }

    public Lineage toLineage(String mode) {
        List<PartitionOffset> offsets = new ArrayList<>();
        nextOffsets.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
                        .thenComparing(e -> e.getKey().partition()))
                .forEach(e -> offsets.add(new PartitionOffset(e.getKey().topic(), e.getKey().partition(), e.getValue())));
        return new Lineage(samplesSeen, mode, offsets, labelTimeMin, labelTimeMax, eventTimeMax);
    }
}

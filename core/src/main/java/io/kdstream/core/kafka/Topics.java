package io.kdstream.core.kafka;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The names of kd-stream's six topics. Keys of traffic, soft labels, predictions and ground truth are request
 * ids, so that the monitor's join finds matching records in the same partition number.
 */
public record Topics(String traffic, String softLabels, String checkpoints, String predictions,
                     String groundTruth, String deadLetters) {

    public static final Topics DEFAULT = new Topics("kd-traffic", "kd-soft-labels", "kd-checkpoints",
            "kd-predictions", "kd-ground-truth", "kd-dead-letters");

    /**
     * Topic definitions for a cluster that does not have them yet.
     *
     * @param partitions partitions of the request-id keyed topics (they must agree for the monitor's join)
     */
    public List<NewTopic> definitions(int partitions, short replication) {
        NewTopic checkpointTopic = new NewTopic(checkpoints, 1, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                // Compaction keeps a short tail of versions; a new gateway reads little at start.
                TopicConfig.SEGMENT_MS_CONFIG, "60000",
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
                TopicConfig.DELETE_RETENTION_MS_CONFIG, "60000"));
        return List.of(
                new NewTopic(traffic, partitions, replication),
                new NewTopic(softLabels, partitions, replication),
                checkpointTopic,
                new NewTopic(predictions, partitions, replication),
                new NewTopic(groundTruth, partitions, replication),
                new NewTopic(deadLetters, 1, replication));
    }
}

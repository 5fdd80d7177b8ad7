package io.kdstream.containers.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.eval.HoldoutSlice;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the topics hold, read as the services' readers see them (read_committed, from the beginning): soft labels by
 * request id, dead letters, and the newest checkpoint manifest whose weights reassemble. The invariants of the fault
 * tests are sums over this.
 */
public record Ledger(Map<String, Integer> labelsPerRequest, Set<String> heldOutRequests, List<DeadLetter> deadLetters,
                     Optional<Checkpoint> newestCheckpoint, boolean newestReassembles, Map<Integer, Long> labelEnds) {

    public static final String TRAFFIC = "kd-traffic";
    public static final String LABELS = "kd-soft-labels";
    public static final String CHECKPOINTS = "kd-checkpoints";
    public static final String DEAD_LETTERS = "kd-dead-letters";
    /** The trainer's default holdout.permille. */
    public static final int HOLDOUT_PERMILLE = 50;
    /** The holdout.key the tests give the trainer, so that they can tell which labels it holds out. */
    public static final String HOLDOUT_KEY = "kd-container-tests-holdout-key";

    public static Ledger read(String bootstrap) {
        Map<String, Integer> labels = new HashMap<>();
        Set<String> heldOut = new HashSet<>();
        HoldoutSlice slice = new HoldoutSlice(HOLDOUT_PERMILLE, HOLDOUT_KEY.getBytes(StandardCharsets.UTF_8));
        for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, LABELS)) {
            SoftLabel label = Codecs.SOFT_LABEL.decode(record.value());
            labels.merge(label.getRequestId(), 1, Integer::sum);
            // the trainer's rule: the gateway's shadow id where there is one, else the request id
            if (slice.isHeldOut(label.getShadowId() != null ? label.getShadowId() : label.getRequestId())) {
                heldOut.add(label.getRequestId());
            }
        }
        List<DeadLetter> deadLetters = readAll(bootstrap, DEAD_LETTERS).stream().map(r -> Codecs.DEAD_LETTER.decode(r.value())).toList();
        CheckpointAssembler assembler = new CheckpointAssembler();
        Checkpoint newest = null;
        boolean reassembles = false;
        for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, CHECKPOINTS)) {
            if (record.value() == null) {
                continue;
            }
            CheckpointKey key = Codecs.CHECKPOINT_KEY.decode(record.key());
            if (key.getChunk() == CheckpointChunks.MANIFEST) {
                newest = Codecs.CHECKPOINT.decode(record.value());
                reassembles = assembler.complete(newest) != null;
            } else if (CheckpointChunks.isWeightChunk(key)) {
                assembler.addChunk(Codecs.CHECKPOINT_CHUNK.decode(record.value()));
            }
        }
        return new Ledger(labels, heldOut, deadLetters, Optional.ofNullable(newest), reassembles, endOffsets(bootstrap, LABELS));
    }

    /** Request ids labelled more than once. */
    public List<String> labelledTwice() {
        return labelsPerRequest.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
    }

    public long labels() {
        return labelsPerRequest.values().stream().mapToLong(Integer::longValue).sum();
    }

    /** Labels the trainer holds out (never trains on), by its own HoldoutSlice with {@link #HOLDOUT_KEY}. */
    public long heldOut() {
        return heldOutRequests.size();
    }

    public long deadLettersFrom(String topic) {
        return deadLetters.stream().filter(d -> d.getSourceTopic().equals(topic)).count();
    }

    public long samplesSeen() {
        return newestCheckpoint.map(c -> c.getLineage().getSamplesSeen()).orElse(0L);
    }

    /** Whether the newest checkpoint's lineage has consumed kd-soft-labels to its end, every partition. */
    public boolean checkpointCoversEveryLabel() {
        return newestCheckpoint.map(c -> {
            Map<Integer, Long> consumed = new HashMap<>();
            c.getLineage().getOffsets().stream().filter(o -> o.getTopic().equals(LABELS))
                    .forEach(o -> consumed.put(o.getPartition(), o.getOffset()));
            // A transactional writer's last record is followed by its commit marker: the end offset is one past it.
            return labelEnds.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || consumed.getOrDefault(e.getKey(), 0L) >= e.getValue() - 1);
        }).orElse(false);
    }

    public String summary() {
        return String.format("labels %d (%d request ids, %d twice), dead letters %d, held out %d, newest checkpoint %s samplesSeen %d",
                labels(), labelsPerRequest.size(), labelledTwice().size(), deadLetters.size(), heldOut(),
                newestCheckpoint.map(c -> "v" + c.getVersion()).orElse("none"), samplesSeen());
    }

    @Override
    public String toString() {
        return summary();
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + ends + " in 60 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<Integer, Long> ends = new HashMap<>();
            consumer.endOffsets(partitions, Duration.ofSeconds(30)).forEach((p, end) -> ends.put(p.partition(), end));
            return ends;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // Read committed, as the services read: an aborted transaction's labels were never delivered.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}

package io.kdstream.trainer.checkpoints;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the checkpoint topic holds for one model, read from the beginning to the end at start: the newest
 * checkpoint whose weights reassemble and verify (to resume from), the highest version ever written (so versions
 * never repeat), and the versions not yet tombstoned (to retire later).
 *
 * <p>Auxiliary models (the EMA teacher, mutual peers) are named {@code <model><suffix>} and restored from the same
 * version as the main one.
 */
public final class CheckpointHistory {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointHistory.class);

    /** A checkpoint to resume from: the main manifest and weights, plus auxiliary weights by suffix. */
    public record Restored(Checkpoint manifest, byte[] weights, Map<String, byte[]> auxiliary) {
    }

    private final String model;
    private final Collection<String> suffixes;
    private final Map<String, CheckpointAssembler.Assembled> newest = new HashMap<>();
    private final SortedMap<Long, Map<String, Integer>> live = new TreeMap<>();
    private final CheckpointAssembler assembler = new CheckpointAssembler();
    private long latestVersion;

    CheckpointHistory(String model, Collection<String> suffixes) {
        this.model = model;
        this.suffixes = List.copyOf(suffixes);
    }

    /**
     * Reads the topic from its beginning to its current end with {@code consumer}, which must read committed
     * records only and belong to no group.
     *
     * @throws IllegalStateException when the end is not reached within {@code timeout}
     */
    public static CheckpointHistory read(Consumer<byte[], byte[]> consumer, String topic, String model,
                                         Collection<String> suffixes, Duration timeout) {
        CheckpointHistory history = new CheckpointHistory(model, suffixes);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("checkpoint topic " + topic + " does not exist: create it (one partition, compacted)");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read checkpoint topic " + topic + " to its end " + end + " within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                history.accept(record);
            }
        }
        return history;
    }

    /** One record of the topic, in topic order. */
    void accept(ConsumerRecord<byte[], byte[]> record) {
        CheckpointKey key;
        try {
            key = Codecs.CHECKPOINT_KEY.decode(record.key());
        } catch (RecordDecodingException e) {
            LOG.warn("Skipping checkpoint record {}-{}@{} with an undecodable key: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        String suffix = suffixOf(key.getModel());
        if (suffix == null) {
            return;
        }
        if (record.value() == null) {
            if (key.getChunk() == CheckpointChunks.MANIFEST) {
                forget(key.getModel(), key.getVersion());
            }
            return;
        }
        try {
            if (key.getChunk() == CheckpointChunks.MANIFEST) {
                Checkpoint manifest = Codecs.CHECKPOINT.decode(record.value());
                live.computeIfAbsent(manifest.getVersion(), v -> new HashMap<>()).put(manifest.getModel(), manifest.getChunkCount());
                if (suffix.isEmpty()) {
                    latestVersion = Math.max(latestVersion, manifest.getVersion());
                }
                CheckpointAssembler.Assembled assembled = assembler.complete(manifest);
                if (assembled.ok()) {
                    newest.put(manifest.getModel(), assembled);
                } else {
                    LOG.warn("Checkpoint {} v{} cannot be restored: {}", manifest.getModel(), manifest.getVersion(), assembled.failure());
                }
            } else if (CheckpointChunks.isWeightChunk(key)) {
                assembler.addChunk(Codecs.CHECKPOINT_CHUNK.decode(record.value()));
            }
        } catch (RecordDecodingException e) {
            LOG.warn("Skipping undecodable checkpoint record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    /** The newest verified checkpoint of the model, with the auxiliary weights of the same version. */
    public Optional<Restored> newest() {
        CheckpointAssembler.Assembled main = newest.get(model);
        if (main == null) {
            return Optional.empty();
        }
        long version = main.manifest().getVersion();
        Map<String, byte[]> auxiliary = new HashMap<>();
        for (String suffix : suffixes) {
            CheckpointAssembler.Assembled aux = newest.get(model + suffix);
            if (aux != null && aux.manifest().getVersion() == version) {
                auxiliary.put(suffix, aux.weights());
            } else {
                LOG.warn("Checkpoint {} v{} has no matching {}{}: that part starts afresh", model, version, model, suffix);
            }
        }
        return Optional.of(new Restored(main.manifest(), main.weights(), auxiliary));
    }

    /** The highest version of the model ever seen on the topic, 0 when none. */
    public long latestVersion() {
        return latestVersion;
    }

    /** Versions not yet tombstoned, oldest first: version → (model name → chunk count). */
    public SortedMap<Long, Map<String, Integer>> liveVersions() {
        return live;
    }

    private void forget(String name, long version) {
        assembler.forget(name, version);
        Map<String, Integer> models = live.get(version);
        if (models != null) {
            models.remove(name);
            if (models.isEmpty()) {
                live.remove(version);
            }
        }
        CheckpointAssembler.Assembled current = newest.get(name);
        if (current != null && current.manifest().getVersion() == version) {
            newest.remove(name);
        }
    }

    /** "" for the model itself, the suffix for an auxiliary model of it, null for any other model. */
    private String suffixOf(String name) {
        if (name.equals(model)) {
            return "";
        }
        for (String suffix : suffixes) {
            if (name.equals(model + suffix)) {
                return suffix;
            }
        }
        return null;
    }

    private static boolean reached(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }
}

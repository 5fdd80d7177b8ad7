package io.kdstream.trainer.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The checkpoint topic as a test sees it: every committed manifest of a model, and the newest one reassembled. */
public record CheckpointTopic(List<Checkpoint> manifests, Optional<CheckpointAssembler.Assembled> newest) {

    public static CheckpointTopic read(String bootstrap, String topic, String model) {
        CheckpointAssembler assembler = new CheckpointAssembler();
        List<Checkpoint> manifests = new ArrayList<>();
        CheckpointAssembler.Assembled newest = null;
        for (ConsumerRecord<byte[], byte[]> record : TopicData.readAll(bootstrap, topic)) {
            CheckpointKey key = Codecs.CHECKPOINT_KEY.decode(record.key());
            if (!key.getModel().equals(model) || record.value() == null) {
                continue;
            }
            if (key.getChunk() == CheckpointChunks.MANIFEST) {
                Checkpoint manifest = Codecs.CHECKPOINT.decode(record.value());
                manifests.add(manifest);
                newest = assembler.complete(manifest);
            } else if (CheckpointChunks.isWeightChunk(key)) {
                assembler.addChunk(Codecs.CHECKPOINT_CHUNK.decode(record.value()));
            }
        }
        return new CheckpointTopic(manifests, Optional.ofNullable(newest));
    }

    public List<Long> versions() {
        return manifests.stream().map(Checkpoint::getVersion).toList();
    }

    public Optional<Checkpoint> newestManifest() {
        return manifests.isEmpty() ? Optional.empty() : Optional.of(manifests.get(manifests.size() - 1));
    }

    /** Next offsets of the newest manifest's lineage on {@code topic}, summed over partitions. */
    public long consumedOf(String topic) {
        return newestManifest().map(m -> m.getLineage().getOffsets().stream()
                .filter(o -> o.getTopic().equals(topic)).mapToLong(o -> o.getOffset()).sum()).orElse(0L);
    }
}

package io.kdstream.trainer.checkpoints;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records of one checkpoint on the checkpoint topic: its weight chunks, then its manifest, so that a reader
 * that meets the manifest already holds every chunk. Also the tombstones that retire an old version.
 */
public final class CheckpointRecords {

    private CheckpointRecords() {
    }

    /** A checkpoint ready to send: the manifest and, in order, the records carrying it. */
    public record Draft(Checkpoint manifest, List<ProducerRecord<byte[], byte[]>> records) {
    }

    /**
     * @param parentVersion the version this one continues from, or null for the first
     * @param task          the task the student was trained for; the manifest carries it, so readers can refuse a
     *                      checkpoint of another task
     */
    public static Draft draft(String topic, String model, long version, Long parentVersion, Instant created,
                              Architecture architecture, TaskContract task, byte[] weights, int chunkBytes, Lineage lineage,
                              HoldoutScores scores) {
        List<CheckpointChunk> chunks = CheckpointChunks.split(model, version, weights, chunkBytes);
        Checkpoint manifest = Checkpoint.newBuilder()
                .setModel(model)
                .setVersion(version)
                .setParentVersion(parentVersion)
                .setCreatedTime(created)
                .setFormat(WeightsCodec.FORMAT)
                .setArchitecture(architecture.spec())
                .setSha256(WeightsCodec.sha256(weights))
                .setSizeBytes(weights.length)
                .setChunkCount(chunks.size())
                .setLineage(lineage)
                .setHoldout(scores)
                .setTask(task.toAvro())
                .build();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (CheckpointChunk chunk : chunks) {
            records.add(new ProducerRecord<>(topic, 0, Codecs.CHECKPOINT_KEY.encode(
                    CheckpointChunks.chunkKey(model, version, chunk.getIndex())), Codecs.CHECKPOINT_CHUNK.encode(chunk)));
        }
        records.add(new ProducerRecord<>(topic, 0, Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.manifestKey(model, version)),
                Codecs.CHECKPOINT.encode(manifest)));
        return new Draft(manifest, records);
    }

    /** Null values for a version's manifest and then its chunks, so compaction removes the version. */
    public static List<ProducerRecord<byte[], byte[]>> tombstones(String topic, String model, long version, int chunkCount) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(topic, 0, Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.manifestKey(model, version)), null));
        for (int index = 0; index < chunkCount; index++) {
            records.add(new ProducerRecord<>(topic, 0, Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.chunkKey(model, version, index)), null));
        }
        return records;
    }
}

package io.kdstream.gateway.testing;

import java.util.List;
import java.util.Map;

import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes checkpoints the way the trainer does: all chunks, then the manifest, in one Kafka transaction. */
public final class CheckpointPublisher implements AutoCloseable {

    /** Small chunks, so even the tiny test model spans several. */
    public static final int CHUNK_BYTES = 16 * 1024;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public CheckpointPublisher(String bootstrapServers, String topic) {
        this.producer = new KafkaProducer<>(KafkaClients.transactionalProducer(
                Map.of("bootstrap.servers", bootstrapServers), "test-publisher", "test-publisher-" + topic));
        this.topic = topic;
        producer.initTransactions();
    }

    /** The weights cut into chunks of {@link #CHUNK_BYTES}, matching a manifest's chunk count. */
    public static List<CheckpointChunk> chunks(Checkpoint manifest, byte[] weights) {
        return CheckpointChunks.split(manifest.getModel(), manifest.getVersion(), weights, CHUNK_BYTES);
    }

    public static int chunkCount(byte[] weights) {
        return (weights.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
    }

    public void publish(Checkpoint manifest, byte[] weights) {
        publish(manifest, chunks(manifest, weights));
    }

    /** Publishes exactly these chunks (a test may leave some out) and the manifest. */
    public void publish(Checkpoint manifest, List<CheckpointChunk> chunks) {
        producer.beginTransaction();
        for (CheckpointChunk chunk : chunks) {
            byte[] key = Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.chunkKey(chunk.getModel(), chunk.getVersion(), chunk.getIndex()));
            producer.send(new ProducerRecord<>(topic, 0, key, Codecs.CHECKPOINT_CHUNK.encode(chunk)));
        }
        byte[] key = Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.manifestKey(manifest.getModel(), manifest.getVersion()));
        producer.send(new ProducerRecord<>(topic, 0, key, Codecs.CHECKPOINT.encode(manifest)));
        producer.commitTransaction();
    }

    @Override
    public void close() {
        producer.close();
    }
}

package io.kdstream.core.checkpoint;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.CheckpointKey;

/** Cuts weight bytes into chunks and names them on the checkpoint topic. */
public final class CheckpointChunks {

    /** 256 KiB: a quarter of Kafka's default 1 MiB message limit, leaving room for headers and batching. */
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;
    /** The chunk index of a manifest's key. */
    public static final int MANIFEST = -1;
    /** The chunk index of the key of a model's serving decision (rollbacks and pins, written by gateways). */
    public static final int SERVING_DECISION = -2;

    private CheckpointChunks() {
    }

    public static List<CheckpointChunk> split(String model, long version, byte[] weights, int chunkBytes) {
        List<CheckpointChunk> chunks = new ArrayList<>();
        for (int offset = 0, index = 0; offset < weights.length || index == 0; offset += chunkBytes, index++) {
            int length = Math.min(chunkBytes, weights.length - offset);
            chunks.add(new CheckpointChunk(model, version, index, ByteBuffer.wrap(weights, offset, length).slice()));
        }
        return chunks;
    }

    public static CheckpointKey manifestKey(String model, long version) {
        return new CheckpointKey(model, version, MANIFEST);
    }

    public static CheckpointKey chunkKey(String model, long version, int index) {
        return new CheckpointKey(model, version, index);
    }

    /** One key per model, so compaction keeps only the newest decision. */
    public static CheckpointKey servingDecisionKey(String model) {
        return new CheckpointKey(model, 0L, SERVING_DECISION);
    }

    /** True for the key of a weight chunk, false for a manifest's or a serving decision's. */
    public static boolean isWeightChunk(CheckpointKey key) {
        return key.getChunk() >= 0;
    }
}

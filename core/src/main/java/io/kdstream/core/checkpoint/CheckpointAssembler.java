package io.kdstream.core.checkpoint;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import io.kdstream.core.model.WeightsCodec;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;

/**
 * Collects weight chunks as they arrive and, when a manifest arrives, reassembles its weights and checks them
 * against the manifest's size and SHA-256. Chunks of versions older than the newest manifest are dropped, so
 * memory stays bounded while following the topic for a long time.
 */
public final class CheckpointAssembler {

    /** A manifest with its verified weights, or the reason they could not be assembled. */
    public record Assembled(Checkpoint manifest, byte[] weights, String failure) {

        public boolean ok() {
            return failure == null;
        }
    }

    private final Map<String, TreeMap<Long, Map<Integer, byte[]>>> chunksByModel = new HashMap<>();

    public void addChunk(CheckpointChunk chunk) {
        ByteBuffer data = chunk.getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        chunksByModel.computeIfAbsent(chunk.getModel(), model -> new TreeMap<>())
                .computeIfAbsent(chunk.getVersion(), version -> new HashMap<>())
                .put(chunk.getIndex(), bytes);
    }

    /** A version was tombstoned: forget its chunks. */
    public void forget(String model, long version) {
        TreeMap<Long, Map<Integer, byte[]>> versions = chunksByModel.get(model);
        if (versions != null) {
            versions.remove(version);
        }
    }

    public Assembled complete(Checkpoint manifest) {
        TreeMap<Long, Map<Integer, byte[]>> versions = chunksByModel.computeIfAbsent(manifest.getModel(), m -> new TreeMap<>());
        Map<Integer, byte[]> chunks = versions.getOrDefault(manifest.getVersion(), Map.of());
        try {
            return assemble(manifest, chunks);
        } finally {
            Iterator<Long> older = versions.headMap(manifest.getVersion(), true).keySet().iterator();
            while (older.hasNext()) {
                older.next();
                older.remove();
            }
        }
    }

    private static Assembled assemble(Checkpoint manifest, Map<Integer, byte[]> chunks) {
        int expected = manifest.getChunkCount();
        for (int i = 0; i < expected; i++) {
            if (!chunks.containsKey(i)) {
                return new Assembled(manifest, null, "missing-chunks");
            }
        }
        long size = 0;
        for (int i = 0; i < expected; i++) {
            size += chunks.get(i).length;
        }
        if (size != manifest.getSizeBytes()) {
            return new Assembled(manifest, null, "size-mismatch");
        }
        byte[] weights = new byte[(int) size];
        int offset = 0;
        for (int i = 0; i < expected; i++) {
            byte[] chunk = chunks.get(i);
            System.arraycopy(chunk, 0, weights, offset, chunk.length);
            offset += chunk.length;
        }
        if (!WeightsCodec.sha256(weights).equals(manifest.getSha256())) {
            return new Assembled(manifest, null, "sha256-mismatch");
        }
        return new Assembled(manifest, weights, null);
    }
}

package io.kdstream.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import io.kdstream.core.model.WeightsCodec;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;
import org.junit.jupiter.api.Test;

class CheckpointAssemblerTest {

    private final byte[] weights = randomBytes(1000);

    @Test
    void shouldReassembleChunksThatArriveOutOfOrder() {
        List<CheckpointChunk> chunks = CheckpointChunks.split("student", 3, weights, 300);
        assertThat(chunks).hasSize(4);
        CheckpointAssembler assembler = new CheckpointAssembler();

        for (int i = chunks.size() - 1; i >= 0; i--) {
            assembler.addChunk(chunks.get(i));
        }
        CheckpointAssembler.Assembled assembled = assembler.complete(manifest(3, 4, weights.length, WeightsCodec.sha256(weights)));

        assertThat(assembled.ok()).isTrue();
        assertThat(assembled.weights()).isEqualTo(weights);
    }

    @Test
    void shouldRefuseMissingChunksAWrongSizeAndAWrongDigest() {
        CheckpointAssembler assembler = new CheckpointAssembler();
        List<CheckpointChunk> chunks = CheckpointChunks.split("student", 5, weights, 300);
        chunks.subList(0, 3).forEach(assembler::addChunk);
        assertThat(assembler.complete(manifest(5, 4, weights.length, WeightsCodec.sha256(weights))).failure()).isEqualTo("missing-chunks");

        CheckpointChunks.split("student", 6, weights, 300).forEach(assembler::addChunk);
        assertThat(assembler.complete(manifest(6, 4, weights.length + 1, WeightsCodec.sha256(weights))).failure()).isEqualTo("size-mismatch");

        CheckpointChunks.split("student", 7, weights, 300).forEach(assembler::addChunk);
        assertThat(assembler.complete(manifest(7, 4, weights.length, "00")).failure()).isEqualTo("sha256-mismatch");
    }

    @Test
    void shouldDropChunksOfVersionsOlderThanACompletedManifest() {
        CheckpointAssembler assembler = new CheckpointAssembler();
        CheckpointChunks.split("student", 1, weights, 300).forEach(assembler::addChunk);
        CheckpointChunks.split("student", 2, weights, 300).forEach(assembler::addChunk);

        assertThat(assembler.complete(manifest(2, 4, weights.length, WeightsCodec.sha256(weights))).ok()).isTrue();

        assertThat(assembler.complete(manifest(1, 4, weights.length, WeightsCodec.sha256(weights))).failure()).isEqualTo("missing-chunks");
    }

    static Checkpoint manifest(long version, int chunks, long size, String sha) {
        return Checkpoint.newBuilder().setModel("student").setVersion(version).setCreatedTime(Instant.EPOCH)
                .setFormat(WeightsCodec.FORMAT).setArchitecture("mlp:784-32-10").setSha256(sha).setSizeBytes(size)
                .setChunkCount(chunks).setLineage(Lineage.newBuilder().setSamplesSeen(0).setOffsets(List.of()).build())
                .setHoldout(new HoldoutScores(0, 0f, 0f, null, null)).build();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }
}

package io.kdstream.trainer.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.PartitionOffset;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class CheckpointRecordsTest {

    private static final Lineage LINEAGE = new Lineage(1234L, "teacher",
            List.of(new PartitionOffset("kd-soft-labels", 0, 700L)), 10L, 20L, 30L);
    private static final HoldoutScores SCORES = new HoldoutScores(50, 0.9f, 0.1f, 0.85f, null);

    @Test
    void shouldWriteChunksThenAManifestDescribingThem() {
        // given 2,500 bytes of weights and 1 KiB chunks
        byte[] weights = new byte[2500];
        new Random(7).nextBytes(weights);

        // when
        CheckpointRecords.Draft draft = CheckpointRecords.draft("kd-checkpoints", "student", 5, 4L, Instant.ofEpochMilli(99),
                Architecture.parse("mlp:16-96-5"), BuiltInTasks.TABULAR_RBF, weights, 1024, LINEAGE, SCORES);

        // then the manifest says what the chunks hold
        Checkpoint manifest = draft.manifest();
        assertThat(manifest.getVersion()).isEqualTo(5);
        assertThat(manifest.getParentVersion()).isEqualTo(4L);
        assertThat(manifest.getCreatedTime()).isEqualTo(Instant.ofEpochMilli(99));
        assertThat(manifest.getFormat()).isEqualTo(WeightsCodec.FORMAT);
        assertThat(manifest.getArchitecture()).isEqualTo("mlp:16-96-5");
        assertThat(TaskContract.ofManifest(manifest.getTask())).isEqualTo(BuiltInTasks.TABULAR_RBF);
        assertThat(manifest.getSha256()).isEqualTo(WeightsCodec.sha256(weights));
        assertThat(manifest.getSizeBytes()).isEqualTo(2500);
        assertThat(manifest.getChunkCount()).isEqualTo(3);
        assertThat(manifest.getLineage()).isEqualTo(LINEAGE);
        assertThat(manifest.getHoldout()).isEqualTo(SCORES);

        // and the records are three chunks then the manifest, all on partition 0, and reassemble to the weights
        List<ProducerRecord<byte[], byte[]>> records = draft.records();
        assertThat(records).hasSize(4).allSatisfy(r -> assertThat(r.partition()).isZero());
        assertThat(records.stream().map(r -> Codecs.CHECKPOINT_KEY.decode(r.key()).getChunk()).toList()).containsExactly(0, 1, 2, -1);
        CheckpointAssembler assembler = new CheckpointAssembler();
        records.subList(0, 3).forEach(r -> assembler.addChunk(Codecs.CHECKPOINT_CHUNK.decode(r.value())));
        CheckpointAssembler.Assembled assembled = assembler.complete(Codecs.CHECKPOINT.decode(records.get(3).value()));
        assertThat(assembled.ok()).isTrue();
        assertThat(assembled.weights()).isEqualTo(weights);
    }

    @Test
    void shouldTombstoneTheManifestBeforeItsChunks() {
        List<ProducerRecord<byte[], byte[]>> tombstones = CheckpointRecords.tombstones("kd-checkpoints", "student", 2, 2);

        assertThat(tombstones).hasSize(3).allSatisfy(r -> assertThat(r.value()).isNull());
        List<CheckpointKey> keys = tombstones.stream().map(r -> Codecs.CHECKPOINT_KEY.decode(r.key())).toList();
        assertThat(keys).containsExactly(new CheckpointKey("student", 2L, -1), new CheckpointKey("student", 2L, 0),
                new CheckpointKey("student", 2L, 1));
    }
}

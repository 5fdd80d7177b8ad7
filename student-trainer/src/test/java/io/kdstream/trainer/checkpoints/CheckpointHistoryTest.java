package io.kdstream.trainer.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.ServingDecision;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class CheckpointHistoryTest {

    private static final Lineage LINEAGE = new Lineage(10L, "self", List.of(), null, null, null);
    private static final HoldoutScores SCORES = new HoldoutScores(0, 0f, 0f, null, null);

    @Test
    void shouldFindTheNewestVerifiedCheckpointWithItsAuxiliaryWeights() {
        // given versions 1 and 2 of a model and its EMA teacher, another model, and version 1 tombstoned
        CheckpointHistory history = new CheckpointHistory("student", List.of("-ema"));
        List<ProducerRecord<byte[], byte[]>> topic = new ArrayList<>();
        topic.addAll(draft("student", 1, new byte[]{1}));
        topic.addAll(draft("student-ema", 1, new byte[]{2}));
        topic.addAll(draft("other", 7, new byte[]{9}));
        topic.addAll(draft("student", 2, new byte[]{3}));
        topic.addAll(draft("student-ema", 2, new byte[]{4}));
        topic.addAll(CheckpointRecords.tombstones("kd-checkpoints", "student", 1, 1));
        topic.addAll(CheckpointRecords.tombstones("kd-checkpoints", "student-ema", 1, 1));

        // when
        feed(history, topic);

        // then
        CheckpointHistory.Restored restored = history.newest().orElseThrow();
        assertThat(restored.manifest().getVersion()).isEqualTo(2);
        assertThat(restored.weights()).containsExactly(3);
        assertThat(restored.auxiliary()).containsOnlyKeys("-ema");
        assertThat(restored.auxiliary().get("-ema")).containsExactly(4);
        assertThat(history.latestVersion()).isEqualTo(2);
        assertThat(history.liveVersions()).containsOnlyKeys(2L);
        assertThat(history.liveVersions().get(2L)).isEqualTo(Map.of("student", 1, "student-ema", 1));
    }

    @Test
    void shouldFallBackToAnOlderCheckpointWhenTheNewestDoesNotVerifyButNeverReuseItsVersion() {
        CheckpointHistory history = new CheckpointHistory("student", List.of());
        List<ProducerRecord<byte[], byte[]>> topic = new ArrayList<>(draft("student", 1, new byte[]{1}));
        List<ProducerRecord<byte[], byte[]>> second = draft("student", 2, new byte[]{2});
        topic.add(second.get(1));

        feed(history, topic);

        assertThat(history.newest().orElseThrow().manifest().getVersion()).isEqualTo(1);
        assertThat(history.latestVersion()).isEqualTo(2);
    }

    @Test
    void shouldSkipTheGatewaysServingDecisionsKeptOnTheSameTopic() {
        // given a rollback a gateway kept on the checkpoint topic between version 2's weight chunk and its manifest
        CheckpointHistory history = new CheckpointHistory("student", List.of());
        List<ProducerRecord<byte[], byte[]>> topic = new ArrayList<>(draft("student", 1, new byte[]{1}));
        List<ProducerRecord<byte[], byte[]>> second = draft("student", 2, new byte[]{2});
        ServingDecision rollback = ServingDecision.newBuilder().setModel("student").setRolledBack(List.of(1L)).setAction("rollback")
                .setVersion(1).setAdmin("alice").setReason("v1 regressed").setTime(Instant.EPOCH).build();
        topic.add(second.get(0));
        topic.add(new ProducerRecord<>("kd-checkpoints", Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.servingDecisionKey("student")),
                Codecs.SERVING_DECISION.encode(rollback)));
        topic.add(second.get(1));

        // when
        feed(history, topic);

        // then the trainer restores version 2 as if the decision were not there
        assertThat(history.newest().orElseThrow().weights()).containsExactly(2);
        assertThat(history.latestVersion()).isEqualTo(2);
        assertThat(history.liveVersions()).containsOnlyKeys(1L, 2L);
    }

    @Test
    void shouldFindNothingOnAnEmptyTopic() {
        CheckpointHistory history = new CheckpointHistory("student", List.of());

        assertThat(history.newest()).isEmpty();
        assertThat(history.latestVersion()).isZero();
    }

    private static List<ProducerRecord<byte[], byte[]>> draft(String model, long version, byte[] weights) {
        return CheckpointRecords.draft("kd-checkpoints", model, version, null, Instant.EPOCH, Architecture.FASHION_STUDENT,
                BuiltInTasks.FASHION_MNIST, weights, 1024, LINEAGE, SCORES).records();
    }

    private static void feed(CheckpointHistory history, List<ProducerRecord<byte[], byte[]>> records) {
        for (int offset = 0; offset < records.size(); offset++) {
            ProducerRecord<byte[], byte[]> record = records.get(offset);
            history.accept(new ConsumerRecord<>(record.topic(), 0, offset, record.key(), record.value()));
        }
    }
}

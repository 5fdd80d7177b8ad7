package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.testing.TabularSlices;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.SoftLabels;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer on the tabular task (16 features, 5 classes) through a real broker: soft labels of another shape or
 * class count are dead-lettered as contract-mismatch, every checkpoint carries the task, and a trainer configured for
 * another task refuses to continue the model.
 */
class TabularTaskIT {

    private static final int VALID = 600;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        broker.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldTrainTheTasksStudentDeadLetterOtherShapesAndCarryTheTaskInEveryCheckpoint() {
        // given tabular soft labels with Fashion-MNIST labels (another shape and class count) mixed in
        LabeledVectors rows = TabularSlices.sample(VALID, 3);
        Random noise = new Random(4);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < VALID; i++) {
            records.add(record("row-" + i, Codecs.SOFT_LABEL.encode(SoftLabels.valid("row-" + i, rows, i, true, noise))));
            if (i % 200 == 0) {
                records.add(record("image-" + i, Codecs.SOFT_LABEL.encode(SoftLabels.valid("image-" + i, FashionSlices.train(1), 0, true, noise))));
            }
        }
        TopicData.produce(broker.bootstrapServers(), records);
        Map<String, Object> settings = Map.of("bootstrap.servers", broker.bootstrapServers(), "task", "tabular-rbf",
                "model.name", "rbf", "batch.size", "32", "checkpoint.interval.ms", "500", "holdout.permille", "100", "device", "cpu",
                "holdout.key", TestHoldout.KEY);

        // when the trainer configured for the tabular task reads them all
        try (StudentTrainer trainer = new StudentTrainer(new TrainerConfig(settings), new SimpleMeterRegistry())) {
            trainer.start();
            Eventually.await("a checkpoint covering every record", Duration.ofMinutes(3),
                    () -> CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "rbf"),
                    topic -> topic.consumedOf("kd-soft-labels") == records.size());
        }

        // then every checkpoint is of the task's default student and carries the task
        CheckpointTopic topic = CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "rbf");
        assertThat(topic.manifests()).isNotEmpty().allSatisfy(manifest -> {
            assertThat(TaskContract.ofManifest(manifest.getTask())).isEqualTo(BuiltInTasks.TABULAR_RBF);
            assertThat(manifest.getArchitecture()).isEqualTo("mlp:16-96-5:norm");
        });
        CheckpointAssembler.Assembled newest = topic.newest().orElseThrow();
        assertThat(newest.ok()).as("reassembled newest checkpoint: %s", newest.failure()).isTrue();
        // and its held-out slice is about a tenth of the rows, as asked (String.hashCode held out 7 of these 600)
        int heldOut = TestHoldout.heldOut(i -> "row-" + i, VALID, 100);
        assertThat(heldOut).isBetween(35, 85);
        assertThat(topic.newestManifest().orElseThrow().getHoldout().getExamples()).isEqualTo(heldOut);
        // (how well it learned is app's TabularTaskIT's to check)
        // and the Fashion-MNIST labels are contract mismatches naming expected and found
        List<DeadLetter> dead = TopicData.readAll(broker.bootstrapServers(), "kd-dead-letters").stream()
                .map(r -> Codecs.DEAD_LETTER.decode(r.value())).toList();
        assertThat(dead).hasSize(3).allSatisfy(letter -> {
            assertThat(letter.getReason()).isEqualTo(TaskContract.MISMATCH);
            assertThat(letter.getDetail()).contains("task tabular-rbf expects float32 [16] but found uint8 [1, 28, 28]");
        });

        // and a trainer configured for another task refuses to continue the model, naming both
        Map<String, Object> fashion = new HashMap<>(settings);
        fashion.put("task", "fashion-mnist");
        try (StudentTrainer other = new StudentTrainer(new TrainerConfig(fashion), new SimpleMeterRegistry())) {
            assertThatThrownBy(other::start)
                    .hasStackTraceContaining("was trained for another task than task fashion-mnist (task tabular-rbf is not task fashion-mnist)");
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String id, byte[] value) {
        return new ProducerRecord<>("kd-soft-labels", id.getBytes(StandardCharsets.UTF_8), value);
    }
}

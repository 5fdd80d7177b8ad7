package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.testing.Eventually;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.LabelStream;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StudentTrainerIT {

    private static final int VALID = 3000;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        broker.createTopics(Topics.DEFAULT.definitions(3, (short) 1));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldPublishVerifiedCheckpointsThatCountEverySoftLabelOnce() {
        // given a stream of valid soft labels with broken ones mixed in
        LabelStream stream = LabelStream.of("kd-soft-labels", VALID, 300, 50);
        List<ProducerRecord<byte[], byte[]>> records = stream.records();
        TopicData.produce(broker.bootstrapServers(), records);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        // when the trainer reads them all
        try (StudentTrainer trainer = new StudentTrainer(new TrainerConfig(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "batch.size", "32",
                "checkpoint.interval.ms", "500",
                "device", "cpu",
                "holdout.key", TestHoldout.KEY)), registry)) {
            trainer.start();
            Eventually.await("a checkpoint covering every record", Duration.ofMinutes(3),
                    () -> CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "student"),
                    topic -> topic.consumedOf("kd-soft-labels") == records.size());

            // then versions increase, the newest verifies, and every record is counted once
            CheckpointTopic topic = CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "student");
            assertThat(topic.versions()).hasSizeGreaterThanOrEqualTo(1).isSorted().doesNotHaveDuplicates();
            CheckpointAssembler.Assembled newest = topic.newest().orElseThrow();
            assertThat(newest.ok()).as("reassembled newest checkpoint: %s", newest.failure()).isTrue();
            Checkpoint manifest = newest.manifest();
            assertThat(WeightsCodec.sha256(newest.weights())).isEqualTo(manifest.getSha256());
            assertThat(manifest.getArchitecture()).isEqualTo("mlp:784-96-10");
            assertThat(manifest.getTask()).isEqualTo(BuiltInTasks.FASHION_MNIST.toAvro());
            assertThat(manifest.getLineage().getMode()).isEqualTo("teacher");

            List<DeadLetter> deadLetters = TopicData.readAll(broker.bootstrapServers(), "kd-dead-letters").stream()
                    .map(r -> Codecs.DEAD_LETTER.decode(r.value())).toList();
            Map<String, Integer> reasons = new HashMap<>();
            deadLetters.forEach(letter -> reasons.merge(letter.getReason(), 1, Integer::sum));
            assertThat(reasons).isEqualTo(stream.deadLetterReasons());
            long samplesSeen = manifest.getLineage().getSamplesSeen();
            assertThat(samplesSeen).isEqualTo(VALID - stream.heldOut());
            assertThat(samplesSeen + deadLetters.size() + stream.heldOut()).isEqualTo(records.size());

            assertThat(manifest.getHoldout().getExamples()).isEqualTo(stream.heldOut());
            assertThat(manifest.getHoldout().getAgreement()).as("holdout agreement with the teacher").isGreaterThan(0.6f);
            assertThat(manifest.getHoldout().getAccuracy()).isNotNull();
            assertThat(trainer.latestVersion()).isEqualTo(manifest.getVersion());
            assertThat(registry.get(TrainerMetrics.CHECKPOINTS).tag("outcome", "published").counter().count())
                    .isGreaterThanOrEqualTo(topic.versions().size());
        }
    }
}

package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.kafka.TransactionErrors;
import io.kdstream.core.testing.Eventually;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.LabelStream;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Exactly one trainer per model publishes: a newer one with the same transactional id fences the older one. */
class ZombieFencingIT {

    private static final String LABELS = "kd-soft-labels";

    @Test
    void shouldStopTheOlderTrainerOnceANewerOneTakesOverItsTransactionalId() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(Topics.DEFAULT.definitions(2, (short) 1));
            String bootstrap = broker.bootstrapServers();
            LabelStream stream = LabelStream.of(LABELS, 2000, 400, 50);
            List<ProducerRecord<byte[], byte[]>> records = stream.records();
            int half = records.size() / 2;
            TrainerConfig config = new TrainerConfig(Map.of("bootstrap.servers", bootstrap, "batch.size", "32",
                    "checkpoint.interval.ms", "300", "device", "cpu", "holdout.key", TestHoldout.KEY));
            SimpleMeterRegistry olderMetrics = new SimpleMeterRegistry();

            // given a trainer that has published checkpoints of the first half of the stream
            TopicData.produce(bootstrap, records.subList(0, half));
            try (StudentTrainer older = new StudentTrainer(config, olderMetrics)) {
                older.start();
                Eventually.await("the older trainer to checkpoint the first half", Duration.ofMinutes(2),
                        () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student").consumedOf(LABELS), consumed -> consumed == half);

                // when a second trainer with the same transactional id starts, and more labels arrive
                try (StudentTrainer newer = new StudentTrainer(config, new SimpleMeterRegistry())) {
                    newer.start();
                    long takenOverAt = newer.latestVersion();
                    TopicData.produce(bootstrap, records.subList(half, records.size()));

                    // then the older one finds itself fenced at its next transaction and stops
                    Eventually.await("the older trainer to be fenced", Duration.ofMinutes(2), older::state,
                            state -> state == StudentTrainer.State.FENCED);
                    assertThat(older.failure()).hasValueSatisfying(error ->
                            assertThat(TransactionErrors.classify(error)).isEqualTo(TransactionErrors.Kind.FENCED));
                    assertThat(older.latestVersion()).as("the older trainer's last version").isLessThanOrEqualTo(takenOverAt);
                    assertThat(olderMetrics.get(TrainerMetrics.CHECKPOINTS).tag("outcome", "failed").counter().count()).isEqualTo(1);

                    // and the newer one alone carries the model on, counting every record once
                    Eventually.await("a checkpoint covering every record", Duration.ofMinutes(2),
                            () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student").consumedOf(LABELS),
                            consumed -> consumed == records.size());
                    assertThat(newer.state()).isEqualTo(StudentTrainer.State.RUNNING);
                    CheckpointTopic topic = CheckpointTopic.read(bootstrap, "kd-checkpoints", "student");
                    assertThat(topic.versions()).isSorted().doesNotHaveDuplicates();
                    assertThat(topic.manifests().stream().filter(m -> m.getVersion() > takenOverAt).map(Checkpoint::getParentVersion)
                            .findFirst()).as("parent of the newer trainer's first checkpoint").hasValue(takenOverAt);
                    long deadLetters = TopicData.readAll(bootstrap, "kd-dead-letters").size();
                    Checkpoint newest = topic.newestManifest().orElseThrow();
                    assertThat(deadLetters).isEqualTo(stream.deadLetters());
                    assertThat(newest.getLineage().getSamplesSeen() + deadLetters + stream.heldOut()).isEqualTo(records.size());
                }
            }
        }
    }
}

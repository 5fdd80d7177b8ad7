package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.LabelStream;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Partitions added to the input topic while the trainer runs are trained on too, from their first record. */
class TrainerPartitionsIT {

    private static final String LABELS = "kd-soft-labels";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    void shouldFollowPartitionsAddedToItsInputTopic() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
            String bootstrap = broker.bootstrapServers();
            List<ProducerRecord<byte[], byte[]>> records = LabelStream.of(LABELS, 600, 1000, 50).records();
            int half = records.size() / 2;
            TrainerConfig config = new TrainerConfig(Map.of("bootstrap.servers", bootstrap, "batch.size", "32",
                    "checkpoint.interval.ms", "300", "device", "cpu", "holdout.key", TestHoldout.KEY));
            try (StudentTrainer trainer = new StudentTrainer(config, new SimpleMeterRegistry())) {
                trainer.start();
                // given a trainer that checkpointed what its one input partition held
                TopicData.produce(bootstrap, records.subList(0, half));
                Eventually.await("a checkpoint of the first half", TIMEOUT,
                        () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student").consumedOf(LABELS), consumed -> consumed == half);

                // when a partition is added and the rest of the stream lands on it
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    admin.createPartitions(Map.of(LABELS, NewPartitions.increaseTo(2))).all().get();
                }
                TopicData.produce(bootstrap, records.subList(half, records.size()).stream()
                        .map(record -> new ProducerRecord<>(LABELS, 1, record.key(), record.value())).toList());

                // then the trainer finds it by itself and consumes every record of it
                Eventually.await("a checkpoint covering both partitions", TIMEOUT,
                        () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student").consumedOf(LABELS),
                        consumed -> consumed == records.size());
                assertThat(trainer.state()).isEqualTo(StudentTrainer.State.RUNNING);
            }
        }
    }
}

package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.LabelStream;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-stream for longer than every client timeout, including the transaction timeout (all set
 * short here, so that 25 s exercise the same paths as a 3-minute outage with the defaults), and comes back on the same
 * port with the same data: the trainer resumes by itself and its newest checkpoint counts every record once.
 */
class TrainerOutageIT {

    private static final String LABELS = "kd-soft-labels";
    private static final Duration OUTAGE = Duration.ofSeconds(25);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path brokerDir;

    @Test
    void shouldResumeByItselfAfterTheBrokerWasAwayAndCountEveryRecordOnce() throws Exception {
        int port = freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerDir, port, false);
        try {
            broker.createTopics(Topics.DEFAULT.definitions(2, (short) 1));
            String bootstrap = broker.bootstrapServers();
            LabelStream stream = LabelStream.of(LABELS, 2000, 400, 50);
            List<ProducerRecord<byte[], byte[]>> records = stream.records();
            int third = records.size() / 3;
            TrainerConfig config = new TrainerConfig(Map.ofEntries(Map.entry("bootstrap.servers", bootstrap),
                    Map.entry("batch.size", "32"), Map.entry("checkpoint.interval.ms", "300"), Map.entry("device", "cpu"),
                    Map.entry("kafka.transaction.timeout.ms", "8000"), Map.entry("kafka.max.block.ms", "4000"),
                    Map.entry("kafka.request.timeout.ms", "3000"), Map.entry("kafka.delivery.timeout.ms", "8000"),
                    Map.entry("kafka.default.api.timeout.ms", "4000"), Map.entry("kafka.reconnect.backoff.max.ms", "1000"),
                    Map.entry("holdout.key", TestHoldout.KEY)));
            try (StudentTrainer trainer = new StudentTrainer(config, new SimpleMeterRegistry())) {
                trainer.start();

                // given a trainer that has checkpointed the first third of the stream
                TopicData.produce(bootstrap, records.subList(0, third));
                Eventually.await("a checkpoint of the first third", TIMEOUT,
                        () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student").consumedOf(LABELS), consumed -> consumed == third);

                // when the second third arrives and the broker goes away while it is trained on and checkpointed (for
                // longer than every timeout), then comes back with its data, and the last third arrives
                TopicData.produce(bootstrap, records.subList(third, 2 * third));
                Thread.sleep(500);
                broker.close();
                Thread.sleep(OUTAGE.toMillis());
                broker = EmbeddedKafkaBroker.start(brokerDir, port, false);
                TopicData.produce(bootstrap, records.subList(2 * third, records.size()));

                // then the trainer goes on by itself, and its newest checkpoint counts every record once
                Eventually.await("a checkpoint covering every record", TIMEOUT,
                        () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student").consumedOf(LABELS),
                        consumed -> consumed == records.size());
                assertThat(trainer.health().live()).as(trainer.health().detail()).isTrue();
                assertThat(trainer.state()).isEqualTo(StudentTrainer.State.RUNNING);
                CheckpointTopic topic = CheckpointTopic.read(bootstrap, "kd-checkpoints", "student");
                assertThat(topic.versions()).isSorted().doesNotHaveDuplicates();
                long deadLetters = TopicData.readAll(bootstrap, "kd-dead-letters").size();
                Checkpoint newest = topic.newestManifest().orElseThrow();
                assertThat(deadLetters).isEqualTo(stream.deadLetters());
                assertThat(newest.getLineage().getSamplesSeen()).isEqualTo(stream.valid() - stream.heldOut());
            }
        } finally {
            broker.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.LabelStream;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.kdstream.trainer.testing.TrainerProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 1 of the design: after a kill -9 in the middle of the stream and a restart, the newest checkpoint's
 * lineage counts every soft label exactly once. The trainer runs in a separate JVM so that it can really be killed.
 */
class CrashRecoveryIT {

    private static final String LABELS = "kd-soft-labels";

    @TempDir
    Path logs;

    @Test
    void shouldCountEverySoftLabelExactlyOnceAcrossAKillAndARestart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            // given a trainer process and a stream that keeps arriving
            broker.createTopics(Topics.DEFAULT.definitions(3, (short) 1));
            String bootstrap = broker.bootstrapServers();
            LabelStream stream = LabelStream.of(LABELS, 4000, 250, 50);
            int total = stream.records().size();
            Map<String, String> settings = Map.of("bootstrap.servers", bootstrap, "batch.size", "32",
                    "checkpoint.interval.ms", "400", "device", "cpu", "holdout.key", TestHoldout.KEY);
            CompletableFuture<Void> producing;
            long versionAtKill;
            try (TrainerProcess first = TrainerProcess.start(settings, logs.resolve("first.log"))) {
                awaitStarted(first);
                producing = CompletableFuture.runAsync(() -> produceSlowly(bootstrap, stream.records()));

                // when it is killed -9 between checkpoints, mid-stream
                Eventually.await("two checkpoints from the first process", Duration.ofMinutes(2),
                        () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student").versions(), versions -> versions.size() >= 2);
                Thread.sleep(200);
                first.kill();
                CheckpointTopic atKill = CheckpointTopic.read(bootstrap, "kd-checkpoints", "student");
                versionAtKill = atKill.newestManifest().orElseThrow().getVersion();
                assertThat(atKill.consumedOf(LABELS)).as("records consumed when killed").isLessThan(total);
                assertThat(producing).as("the stream was still arriving at the kill").isNotDone();
            }

            // and a new process takes over
            try (TrainerProcess second = TrainerProcess.start(settings, logs.resolve("second.log"))) {
                awaitStarted(second);
                producing.get();
                Eventually.await("a checkpoint covering every record", Duration.ofMinutes(3),
                        () -> CheckpointTopic.read(bootstrap, "kd-checkpoints", "student"),
                        topic -> topic.consumedOf(LABELS) == total);
                assertThat(second.output()).contains("Resumed model 'student' from checkpoint v" + versionAtKill);
            }

            // then versions continued from the killed one, and each record counts exactly once
            CheckpointTopic topic = CheckpointTopic.read(bootstrap, "kd-checkpoints", "student");
            assertThat(topic.versions()).isSorted().doesNotHaveDuplicates().contains(versionAtKill + 1);
            Checkpoint firstOfSecond = topic.manifests().stream().filter(m -> m.getVersion() == versionAtKill + 1).findFirst().orElseThrow();
            assertThat(firstOfSecond.getParentVersion()).isEqualTo(versionAtKill);
            Checkpoint newest = topic.newestManifest().orElseThrow();
            assertThat(topic.newest().orElseThrow().ok()).isTrue();

            List<DeadLetter> deadLetters = TopicData.readAll(bootstrap, "kd-dead-letters").stream()
                    .map(r -> Codecs.DEAD_LETTER.decode(r.value())).toList();
            Set<String> sources = new HashSet<>();
            deadLetters.forEach(letter -> sources.add(letter.getPartition() + "@" + letter.getOffset()));
            assertThat(sources).as("dead-lettered source records").hasSize(deadLetters.size()).hasSize(stream.deadLetters());
            assertThat(newest.getLineage().getSamplesSeen()).isEqualTo(stream.valid() - stream.heldOut());
            assertThat(newest.getLineage().getSamplesSeen() + deadLetters.size() + stream.heldOut()).isEqualTo(total);
            Map<Integer, Long> ends = TopicData.endOffsets(bootstrap, LABELS);
            newest.getLineage().getOffsets().stream().filter(o -> o.getTopic().equals(LABELS))
                    .forEach(o -> assertThat(o.getOffset()).as("next offset of partition %d", o.getPartition()).isEqualTo(ends.get(o.getPartition())));
        }
    }

    private static void awaitStarted(TrainerProcess process) {
        Eventually.await("the trainer process to start", Duration.ofMinutes(2), () -> process.started() || !process.alive(), done -> done);
        assertThat(process.started()).as("trainer process output:%n%s", process.output()).isTrue();
    }

    /** About 500 records a second, so that the kill lands in the middle of the stream. */
    private static void produceSlowly(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaClients.producer(Map.of("bootstrap.servers", bootstrap), "slow-producer"))) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(records.get(i));
                if (i % 50 == 49) {
                    Thread.sleep(100);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

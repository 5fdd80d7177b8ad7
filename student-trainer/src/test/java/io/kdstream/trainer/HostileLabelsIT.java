package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.testing.HostileRecords;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.SoftLabels;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Soft labels built to hurt, on every partition: an array bomb, a valid label with a 900,000-character id, and a
 * broken one with that id, whose dead letter is larger than a producer may send unless truncated. The trainer
 * dead-letters what it cannot use, trains on the rest and checkpoints every partition to its end.
 */
class HostileLabelsIT {

    private static final String LABELS = Topics.DEFAULT.softLabels();
    private static final int GOOD = 40;

    @Test
    void shouldDeadLetterHostileLabelsAndKeepTrainingEveryPartition() {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            kafka.createTopics(Topics.DEFAULT.definitions(2, (short) 1));
            LabeledImages images = FashionSlices.train(GOOD);
            Random noise = new Random(3);

            // given hostile labels on both partitions, between good ones
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            List<String> trainable = new ArrayList<>();
            for (int i = 0; i < GOOD; i++) {
                String id = "good-" + i;
                trainable.add(id);
                records.add(record(-1, id, Codecs.SOFT_LABEL.encode(SoftLabels.valid(id, images, i, true, noise))));
                if (i == GOOD / 2) {
                    for (int partition = 0; partition < 2; partition++) {
                        records.add(record(partition, "bomb-" + partition, arrayBomb()));
                        trainable.add(HostileRecords.HUGE_ID);
                        records.add(record(partition, HostileRecords.HUGE_ID, Codecs.SOFT_LABEL.encode(
                                SoftLabels.valid(HostileRecords.HUGE_ID, images, i, true, noise))));
                        records.add(record(partition, HostileRecords.HUGE_ID, Codecs.SOFT_LABEL.encode(
                                SoftLabels.broken(HostileRecords.HUGE_ID, images, i, SoftLabels.Broken.BAD_SUM, noise))));
                    }
                }
            }
            HostileRecords.send(kafka.bootstrapServers(), records);
            int heldOut = TestHoldout.heldOut(trainable::get, trainable.size(), 50);

            // when the trainer reads them
            TrainerConfig config = new TrainerConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(), "batch.size", "16",
                    "checkpoint.interval.ms", "300", "device", "cpu", "holdout.key", TestHoldout.KEY));
            try (StudentTrainer trainer = new StudentTrainer(config, new SimpleMeterRegistry())) {
                trainer.start();
                Eventually.await("a checkpoint covering both partitions to their ends", Duration.ofMinutes(2),
                        () -> CheckpointTopic.read(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints(), "student"),
                        topic -> topic.consumedOf(LABELS) == records.size());

                // then the bombs are undecodable, the broken huge one is a truncated dead letter, the rest trained once
                List<DeadLetter> dead = TopicData.readAll(kafka.bootstrapServers(), Topics.DEFAULT.deadLetters()).stream()
                        .map(r -> Codecs.DEAD_LETTER.decode(r.value())).toList();
                assertThat(dead).extracting(DeadLetter::getReason)
                        .containsExactlyInAnyOrder("undecodable", "undecodable", "bad-sum", "bad-sum");
                assertThat(dead).filteredOn(letter -> letter.getReason().equals("bad-sum"))
                        .allMatch(DeadLetter::getTruncated)
                        .allMatch(letter -> letter.getOriginalKeyBytes() == HostileRecords.HUGE_ID.length());
                Checkpoint newest = CheckpointTopic.read(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints(), "student")
                        .newestManifest().orElseThrow();
                assertThat(newest.getLineage().getSamplesSeen()).isEqualTo(trainable.size() - heldOut);
                assertThat(trainer.health().live()).isTrue();
            }
        }
    }

    /** A SoftLabel header, an empty id, times 0, dtype UINT8 and an input shape that claims 2,147,483,639 ints. */
    private static byte[] arrayBomb() {
        SoftLabel template = SoftLabels.valid("", FashionSlices.train(1), 0, false, new Random(1));
        template.setEventTime(Instant.EPOCH);
        return HostileRecords.arrayBomb(Codecs.SOFT_LABEL.encode(template), 4);
    }

    /** A record on {@code partition}, or where its key hashes to when it is −1. */
    private static ProducerRecord<byte[], byte[]> record(int partition, String key, byte[] value) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        return partition < 0 ? new ProducerRecord<>(LABELS, keyBytes, value) : new ProducerRecord<>(LABELS, partition, keyBytes, value);
    }
}

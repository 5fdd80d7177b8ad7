package io.kdstream.monitor;

import static io.kdstream.monitor.testing.MonitorRecords.key;
import static io.kdstream.monitor.testing.MonitorRecords.prediction;
import static io.kdstream.monitor.testing.MonitorRecords.softLabel;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.HostileRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predictions and soft labels built to hurt, on every partition: array bombs, and a prediction and its label with a
 * 900,000-character request id, which would pass the producer's limit in a dead letter keyed by it and in the join
 * stores' changelogs. The monitor dead-letters them under keys that fit, joins the rest, and stays live.
 */
class HostileRecordsIT {

    private static final Topics TOPICS = Topics.DEFAULT;
    private static final int GOOD = 20;

    @TempDir
    Path stateDir;

    /** 0.9 on class 0 of the default task's ten. */
    private static float[] peaked() {
        float[] probabilities = new float[10];
        java.util.Arrays.fill(probabilities, 0.1f / 9);
        probabilities[0] = 0.9f;
        return probabilities;
    }

    private static List<byte[]> deadLetterKeys(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.groupless(
                Map.of("bootstrap.servers", bootstrap), "hostile-dead-letters"))) {
            TopicPartition partition = new TopicPartition(TOPICS.deadLetters(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<byte[]> keys = new ArrayList<>();
            for (int poll = 0; poll < 10; poll++) {
                consumer.poll(Duration.ofMillis(300)).forEach(record -> keys.add(record.key()));
            }
            return keys;
        }
    }

    @Test
    void shouldDeadLetterHostileRecordsAndKeepJoiningEveryPartition() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(TOPICS.definitions(2, (short) 1));
            MonitorConfig config = new MonitorConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "application.id", "monitor-hostile-it", "state.dir", stateDir.toString()));
            try (MonitorService monitor = new MonitorService(config, new SimpleMeterRegistry())) {
                monitor.start();

                // given bombs on both partitions of both topics, a pair of records with a huge id, and good pairs
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                Instant now = Instant.now();
                for (int partition = 0; partition < 2; partition++) {
                    records.add(new ProducerRecord<>(TOPICS.predictions(), partition, key("bomb"),
                            HostileRecords.arrayBomb(prediction("", Instant.EPOCH, 0, 1f), 4)));
                    records.add(new ProducerRecord<>(TOPICS.softLabels(), partition, key("bomb"),
                            HostileRecords.arrayBomb(softLabel("", Instant.EPOCH, 1f, null, 1f), 4)));
                }
                String huge = HostileRecords.HUGE_ID;
                records.add(new ProducerRecord<>(TOPICS.predictions(), key(huge), prediction(huge, now, 3, peaked())));
                records.add(new ProducerRecord<>(TOPICS.softLabels(), key(huge), softLabel(huge, now, 1f, 0, peaked())));
                for (int i = 0; i < GOOD; i++) {
                    String id = "good-" + i;
                    records.add(new ProducerRecord<>(TOPICS.predictions(), key(id), prediction(id, now, 3, peaked())));
                    records.add(new ProducerRecord<>(TOPICS.softLabels(), key(id), softLabel(id, now, 1f, 0, peaked())));
                }

                // when they arrive
                HostileRecords.send(broker.bootstrapServers(), records);

                // then every good pair is joined, the bombs and the huge-id pair are dead letters under keys that fit,
                // and the monitor is still live and joining what comes next
                Eventually.await("every good pair matched", Duration.ofSeconds(90), () -> monitor.snapshot().matched(),
                        matched -> matched == GOOD);
                List<byte[]> deadLetterKeys = Eventually.await("the hostile records dead-lettered", Duration.ofSeconds(30),
                        () -> deadLetterKeys(broker.bootstrapServers()), keys -> keys.size() == 6);
                assertThat(deadLetterKeys).allMatch(deadKey -> deadKey.length <= 1024);
                HostileRecords.send(broker.bootstrapServers(), List.of(
                        new ProducerRecord<>(TOPICS.predictions(), key("later"), prediction("later", now, 3, peaked())),
                        new ProducerRecord<>(TOPICS.softLabels(), key("later"), softLabel("later", now, 1f, 0, peaked()))));
                Eventually.await("the later pair matched", Duration.ofSeconds(60), () -> monitor.snapshot().matched(),
                        matched -> matched == GOOD + 1);
                assertThat(monitor.health().live()).isTrue();
            }
        }
    }
}

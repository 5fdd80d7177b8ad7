package io.kdstream.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.testing.HostileRecords;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.labels.BatchLabeller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records built to hurt, on every partition: an 18-byte event whose shape claims 2,147,483,639 items, and an event
 * whose 900,000-character request id makes a soft label larger than the producer may send. The teacher dead-letters
 * them and keeps labelling every partition.
 */
class HostileTrafficIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Topics TOPICS = Topics.DEFAULT;

    @TempDir
    Path teacherDir;

    @Test
    void shouldDeadLetterHostileRecordsAndKeepLabellingEveryPartition() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            kafka.createTopics(TOPICS.definitions(2, (short) 1));
            TestTeachers.tiny(teacherDir, 1);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            TeacherConfig config = new TeacherConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "teacher.dir", teacherDir.toString(), "device", "cpu", "commit.interval.ms", "50"));
            LabeledImages images = FashionSlices.test(60);
            try (TeacherService service = new TeacherService(config, registry)) {
                service.start();

                // given hostile records on both partitions, between good traffic
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(TestTraffic.events(TOPICS.traffic(), "before", images, 0, 30));
                String hugeId = HostileRecords.HUGE_ID;
                for (int partition = 0; partition < 2; partition++) {
                    records.add(new ProducerRecord<>(TOPICS.traffic(), partition, ("bomb-" + partition).getBytes(), arrayBomb()));
                    records.add(new ProducerRecord<>(TOPICS.traffic(), partition, hugeId.getBytes(), Codecs.TRAFFIC_EVENT.encode(
                            new TrafficEvent(hugeId, Instant.now(), Tensors.uint8(images.image(0), 1, 28, 28), null, TrafficSource.SHADOW, null))));
                }
                records.addAll(TestTraffic.events(TOPICS.traffic(), "after", images, 30, 60));

                // when they arrive (sent by a client that allows large requests)
                HostileRecords.send(kafka.bootstrapServers(), records);

                // then every good event is labelled once, and the hostile ones are dead letters that say why
                List<ConsumerRecord<byte[], byte[]>> labels = TestTraffic.readCommitted(kafka.bootstrapServers(), TOPICS.softLabels(), 60, TIMEOUT);
                assertThat(labels.stream().map(TestTraffic::key).collect(Collectors.toSet())).hasSize(60);
                assertThat(labels).hasSize(60);
                List<DeadLetter> dead = TestTraffic.readCommitted(kafka.bootstrapServers(), TOPICS.deadLetters(), 4, TIMEOUT).stream()
                        .map(record -> Codecs.DEAD_LETTER.decode(record.value())).toList();
                assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
                        "undecodable", "undecodable", BatchLabeller.TOO_LARGE, BatchLabeller.TOO_LARGE);
                assertThat(dead).filteredOn(letter -> letter.getReason().equals(BatchLabeller.TOO_LARGE))
                        .allMatch(DeadLetter::getTruncated)
                        .allMatch(letter -> letter.getOriginalKeyBytes() == 900_000);
                assertThat(service.health().live()).isTrue();
                assertThat(service.labelsProduced()).isEqualTo(60);
                assertThat(registry.get(TeacherMetrics.LABELS).counter().count()).isEqualTo(60);
            }
        }
    }

    /** A TrafficEvent header, an empty id, time 0, dtype UINT8 and a shape that claims 2,147,483,639 ints: 18 bytes. */
    private static byte[] arrayBomb() {
        return HostileRecords.arrayBomb(Codecs.TRAFFIC_EVENT.encode(new TrafficEvent("", Instant.EPOCH,
                Tensors.uint8(new byte[1], 1), null, TrafficSource.REPLAY, null)), 3);
    }
}

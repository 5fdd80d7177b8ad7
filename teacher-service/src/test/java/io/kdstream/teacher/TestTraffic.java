package io.kdstream.teacher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writing traffic and reading what the teacher published, through real Kafka clients, for the integration tests. */
public final class TestTraffic {

    private TestTraffic() {
    }

    /** Replay-style traffic: UINT8 [1, 28, 28] images {@code from..to-1} with their true labels, request ids {@code <prefix>-<i>}. */
    public static List<ProducerRecord<byte[], byte[]>> events(String topic, String prefix, LabeledImages images, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String requestId = prefix + "-" + i;
            TrafficEvent event = new TrafficEvent(requestId, Instant.now(),
                    Tensors.uint8(images.image(i), 1, images.height(), images.width()), images.labels()[i], TrafficSource.REPLAY, null);
            records.add(record(topic, requestId, Codecs.TRAFFIC_EVENT.encode(event)));
        }
        return records;
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    public static void send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(
                Map.of("bootstrap.servers", bootstrap), "test-traffic"))) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    /**
     * Every committed record of {@code topic}, read until at least {@code expected} arrived and then one more quiet
     * second, so that duplicates beyond {@code expected} would show.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(
                Map.of("bootstrap.servers", bootstrap), "test-reader-" + UUID.randomUUID(), "test-reader"))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            long quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < quietUntil) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }

    public static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }
}

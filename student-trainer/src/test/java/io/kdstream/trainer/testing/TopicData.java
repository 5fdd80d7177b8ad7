package io.kdstream.trainer.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.testing.TopicRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Reading and writing whole topics in tests, committed records only. */
public final class TopicData {

    private TopicData() {
    }

    /** Every committed record of the topic, partition by partition, as far as its end reaches now. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        return TopicRecords.readAll(bootstrap, topic);
    }

    /** The end offset of every partition (committed records only). */
    public static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
        Map<String, Object> settings = KafkaClients.groupless(Map.of("bootstrap.servers", bootstrap), "test-ends");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<Integer, Long> ends = new HashMap<>();
            consumer.endOffsets(partitions).forEach((partition, offset) -> ends.put(partition.partition(), offset));
            return ends;
        }
    }

    /** Sends the records with an idempotent producer and waits until all are acknowledged. */
    public static void produce(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaClients.producer(Map.of("bootstrap.servers", bootstrap), "test-producer"))) {
            records.forEach(producer::send);
            producer.flush();
        }
    }
}

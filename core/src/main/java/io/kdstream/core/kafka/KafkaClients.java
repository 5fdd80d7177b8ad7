package io.kdstream.core.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings with the defaults kd-stream depends on. Services read and write raw bytes and decode
 * themselves, so that an undecodable record becomes a dead letter instead of a poison pill in the poll loop.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /**
     * A consumer that commits only what the service says (transactions or explicit commits), starts at the
     * beginning of a new group's topics, and never sees aborted transactional writes.
     */
    public static Map<String, Object> consumer(Map<String, Object> base, String groupId, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        settings.putAll(base);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }

    /** A consumer without a group, for readers that assign partitions themselves (checkpoint followers). */
    public static Map<String, Object> groupless(Map<String, Object> base, String clientId) {
        Map<String, Object> settings = consumer(base, "unused", clientId);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return settings;
    }

    /** An idempotent producer that waits for all in-sync replicas. */
    public static Map<String, Object> producer(Map<String, Object> base, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        settings.putAll(base);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return settings;
    }

    /** The producer's {@code max.request.size} in {@code settings}, or Kafka's default: no record it sends may be larger. */
    public static int maxRequestSize(Map<String, Object> settings) {
        Object value = settings.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return value == null ? DeadLetters.DEFAULT_MAX_RECORD_BYTES : Integer.parseInt(value.toString().trim());
    }

    /** A transactional producer fenced by {@code transactionalId}: a newer instance with the same id stops an older one. */
    public static Map<String, Object> transactionalProducer(Map<String, Object> base, String clientId, String transactionalId) {
        Map<String, Object> settings = producer(base, clientId);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return settings;
    }
}

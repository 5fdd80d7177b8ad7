package io.kdstream.core.kafka;

import java.nio.ByteBuffer;
import java.time.Instant;

import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a record a service cannot use into a {@link DeadLetter} for the dead-letter topic: logged once with
 * topic, partition and offset (no stack trace, it is the record's fault), counted by reason, raw bytes kept.
 *
 * <p>It only builds the record; the caller sends it with its own producer, inside its transaction where it has
 * one, so the dead letter and the consumed offset commit together.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final String service;
    private final String deadLetterTopic;
    private final MeterRegistry registry;

    public DeadLetters(String service, String deadLetterTopic, MeterRegistry registry) {
        this.service = service;
        this.deadLetterTopic = deadLetterTopic;
        this.registry = registry;
    }

    /**
     * @param reason a short, bounded code (it becomes a metric tag), such as {@code undecodable} or {@code bad-shape}
     * @param detail what was expected and what was found
     */
    public ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, String reason, String detail) {
        LOG.warn("Dead-lettering {}-{}@{}: {} ({})", source.topic(), source.partition(), source.offset(), reason, detail);
        CommonMetrics.deadLetters(registry, service, source.topic(), reason).increment();
        DeadLetter letter = DeadLetter.newBuilder()
                .setService(service)
                .setSourceTopic(source.topic())
                .setPartition(source.partition())
                .setOffset(source.offset())
                .setReason(reason)
                .setDetail(detail == null ? "" : detail)
                .setTime(Instant.now())
                .setKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
                .setValue(source.value() == null ? null : ByteBuffer.wrap(source.value()))
                .build();
        return new ProducerRecord<>(deadLetterTopic, source.key(), Codecs.DEAD_LETTER.encode(letter));
    }
}

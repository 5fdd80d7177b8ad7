package io.kdstream.core.kafka;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

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
 *
 * <p>A dead letter always fits the producer's {@code max.request.size}: when the raw key and value would not, they are
 * cut to their first bytes and the letter says so ({@code truncated}, with the original sizes). Otherwise one record
 * too large to dead-letter would abort its transaction on every attempt, and its partition would never move again.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** The producer's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;
    /** Room left for the record's framing, headers and the letter's own fields. */
    private static final int OVERHEAD_BYTES = 8 * 1024;
    /** The longest key kept on the dead letter's Kafka record and in a truncated letter. */
    static final int KEPT_KEY_BYTES = 1024;
    /** The longest detail kept: a detail that quotes a hostile record must not make its letter hostile too. */
    static final int KEPT_DETAIL_CHARS = 2048;

    private final String service;
    private final String deadLetterTopic;
    private final MeterRegistry registry;
    private final int maxRecordBytes;

    public DeadLetters(String service, String deadLetterTopic, MeterRegistry registry) {
        this(service, deadLetterTopic, registry, DEFAULT_MAX_RECORD_BYTES);
    }

    /** @param maxRecordBytes the producer's {@code max.request.size}; no dead letter is larger */
    public DeadLetters(String service, String deadLetterTopic, MeterRegistry registry, int maxRecordBytes) {
        if (maxRecordBytes < 2 * OVERHEAD_BYTES) {
            throw new IllegalArgumentException("max.request.size of " + maxRecordBytes + " bytes leaves no room for a dead letter; "
                    + "set it to at least " + 2 * OVERHEAD_BYTES);
        }
        this.service = service;
        this.deadLetterTopic = deadLetterTopic;
        this.registry = registry;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The largest key plus value a record may have and still be sent by a producer with this limit. */
    public int maxPayloadBytes() {
        return maxRecordBytes - OVERHEAD_BYTES;
    }

    /**
     * @param reason a short, bounded code (it becomes a metric tag), such as {@code undecodable} or {@code bad-shape}
     * @param detail what was expected and what was found
     */
    public ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, String reason, String detail) {
        String boundedDetail = detail == null ? "" : detail.length() <= KEPT_DETAIL_CHARS ? detail
                : detail.substring(0, KEPT_DETAIL_CHARS) + "… (" + detail.length() + " characters)";
        LOG.warn("Dead-lettering {}-{}@{}: {} ({})", source.topic(), source.partition(), source.offset(), reason, boundedDetail);
        CommonMetrics.deadLetters(registry, service, source.topic(), reason).increment();
        byte[] key = source.key();
        byte[] value = source.value();
        int keyBytes = key == null ? 0 : key.length;
        int valueBytes = value == null ? 0 : value.length;
        // Key and value travel twice when kept whole: as the record's key and inside the letter.
        boolean truncated = 2L * keyBytes + valueBytes + boundedDetail.length() * 3L > maxPayloadBytes();
        if (truncated) {
            key = prefix(key, KEPT_KEY_BYTES);
            value = prefix(value, maxPayloadBytes() - 2 * KEPT_KEY_BYTES - boundedDetail.length() * 3);
        }
        DeadLetter letter = DeadLetter.newBuilder()
                .setService(service)
                .setSourceTopic(source.topic())
                .setPartition(source.partition())
                .setOffset(source.offset())
                .setReason(reason)
                .setDetail(boundedDetail)
                .setTime(Instant.now())
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setTruncated(truncated)
                .setOriginalKeyBytes(source.key() == null ? -1 : keyBytes)
                .setOriginalValueBytes(source.value() == null ? -1 : valueBytes)
                .build();
        return new ProducerRecord<>(deadLetterTopic, key, Codecs.DEAD_LETTER.encode(letter));
    }

    private static byte[] prefix(byte[] bytes, int max) {
        return bytes == null || bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
    }
}

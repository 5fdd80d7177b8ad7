package io.kdstream.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeadLetters deadLetters = new DeadLetters("teacher-service", "kd-dead-letters", registry);

    @Test
    void shouldKeepASmallRecordWhole() {
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("kd-traffic", 1, 42L, bytes("r-1"), new byte[]{1, 2, 3});

        ProducerRecord<byte[], byte[]> record = deadLetters.of(source, "undecodable", "expected a TrafficEvent");
        DeadLetter letter = Codecs.DEAD_LETTER.decode(record.value());

        assertThat(record.key()).isEqualTo(bytes("r-1"));
        assertThat(letter.getTruncated()).isFalse();
        assertThat(letter.getValue().array()).containsExactly(1, 2, 3);
        assertThat(letter.getOriginalKeyBytes()).isEqualTo(3);
        assertThat(letter.getOriginalValueBytes()).isEqualTo(3);
    }

    @Test
    void shouldTruncateARecordThatWouldNotFitTheProducersLimitAndSaySo() {
        // given: a 900,000-character request id as key, and a value that holds it too
        byte[] key = bytes("x".repeat(900_000));
        byte[] value = new byte[1_100_000];
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("kd-traffic", 0, 7L, key, value);

        // when
        String detail = "request " + "x".repeat(900_000) + ": its soft label exceeds max.request.size";
        ProducerRecord<byte[], byte[]> record = deadLetters.of(source, "too-large", detail);
        DeadLetter letter = Codecs.DEAD_LETTER.decode(record.value());

        // then: it fits, and it says what was cut
        assertThat(record.key().length + record.value().length).isLessThanOrEqualTo(deadLetters.maxPayloadBytes());
        assertThat(letter.getTruncated()).isTrue();
        assertThat(letter.getOriginalKeyBytes()).isEqualTo(900_000);
        assertThat(letter.getOriginalValueBytes()).isEqualTo(1_100_000);
        assertThat(letter.getKey().remaining()).isLessThan(key.length);
        assertThat(letter.getValue().remaining()).isPositive().isLessThan(value.length);
        assertThat(letter.getDetail()).hasSizeLessThan(3_000).endsWith("(" + detail.length() + " characters)");
        assertThat(registry.get("kd.dead.letters").tag("reason", "too-large").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldFitASmallerProducerLimitToo() {
        DeadLetters strict = new DeadLetters("student-trainer", "kd-dead-letters", registry, 100_000);
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("kd-soft-labels", 0, 1L, new byte[50_000], new byte[90_000]);

        ProducerRecord<byte[], byte[]> record = strict.of(source, "undecodable", "garbage");

        assertThat(record.key().length + record.value().length).isLessThanOrEqualTo(100_000);
        assertThat(Codecs.DEAD_LETTER.decode(record.value()).getTruncated()).isTrue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package io.kdstream.monitor.records;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The outcome of reading one record: a value, or the dead letter that replaces it, with its own key (the source key
 * cut to fit, so that a record with a huge key still makes a dead letter the producer can send).
 *
 * @param <V> the decoded value
 */
public record Decoded<V>(V value, byte[] deadLetterKey, byte[] deadLetter) {

    public static <V> Decoded<V> of(V value) {
        return new Decoded<>(value, null, null);
    }

    public static <V> Decoded<V> rejected(ProducerRecord<byte[], byte[]> deadLetter) {
        return new Decoded<>(null, deadLetter.key(), deadLetter.value());
    }

    public boolean isRejected() {
        return deadLetter != null;
    }
}

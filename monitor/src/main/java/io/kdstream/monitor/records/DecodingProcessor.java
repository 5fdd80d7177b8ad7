package io.kdstream.monitor.records;

import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.schemas.serde.RecordDecodingException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes raw records with a {@link RecordReader}. A failure becomes a {@link Decoded#rejected} dead letter that
 * names the source topic, partition and offset from the record context, is logged once and counted in
 * {@code kd.dead.letters}; the key is kept, so nothing downstream repartitions.
 *
 * @param <V> the decoded value
 */
public final class DecodingProcessor<V> implements FixedKeyProcessor<byte[], byte[], Decoded<V>> {

    private final RecordReader<V> reader;
    private final DeadLetters deadLetters;
    private FixedKeyProcessorContext<byte[], Decoded<V>> context;

    public DecodingProcessor(RecordReader<V> reader, DeadLetters deadLetters) {
        this.reader = reader;
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Decoded<V>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        V value;
        try {
            value = reader.read(record.key(), record.value());
        } catch (RecordDecodingException e) {
            reject(record, "undecodable", e.getMessage());
            return;
        } catch (RejectedRecordException e) {
            reject(record, e.reason(), e.getMessage());
            return;
        }
        if (value != null) {
            context.forward(record.withValue(Decoded.of(value)));
        }
    }

    private void reject(FixedKeyRecord<byte[], byte[]> record, String reason, String detail) {
        RecordMetadata source = context.recordMetadata().orElseThrow(() -> new IllegalStateException(
                "a record read from a topic has no topic, partition and offset in its context"));
        ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>(source.topic(), source.partition(), source.offset(),
                record.key(), record.value());
        context.forward(record.withValue(Decoded.rejected(deadLetters.of(raw, reason, detail))));
    }
}

package io.kdstream.teacher.traffic;

import io.kdstream.schemas.TrafficEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record read from the traffic topic, decoded and checked: either an example the teacher can label, or a
 * rejection that goes to the dead-letter topic. Both keep their source record, whose offset they commit.
 */
public sealed interface TrafficRecord {

    ConsumerRecord<byte[], byte[]> source();

    /** A valid traffic event with its input on the model's scale (the task's value range). */
    record Example(ConsumerRecord<byte[], byte[]> source, TrafficEvent event, float[] inputs) implements TrafficRecord {
    }

    /**
     * A record the teacher cannot use.
     *
     * @param reason a bounded code: {@code undecodable}, {@code contract-mismatch} (another shape or element type than
     *               the task's), {@code bad-length}, {@code not-finite}
     * @param detail what was expected and what was found
     */
    record Rejected(ConsumerRecord<byte[], byte[]> source, String reason, String detail) implements TrafficRecord {
    }
}

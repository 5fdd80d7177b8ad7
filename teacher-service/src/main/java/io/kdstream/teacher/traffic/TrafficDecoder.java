package io.kdstream.teacher.traffic;

import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.InvalidTensorException;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Decodes traffic records and checks their input tensor against the task the teacher was made for. */
public final class TrafficDecoder {

    public static final String UNDECODABLE = "undecodable";

    private final TaskContract task;

    public TrafficDecoder(TaskContract task) {
        this.task = task;
    }

    public TrafficRecord decode(ConsumerRecord<byte[], byte[]> record) {
        TrafficEvent event;
        try {
            event = Codecs.TRAFFIC_EVENT.decode(record.value());
        } catch (RecordDecodingException e) {
            return new TrafficRecord.Rejected(record, UNDECODABLE, e.getMessage());
        }
        try {
            return new TrafficRecord.Example(record, event, task.toModelInput(event.getInput()));
        } catch (InvalidTensorException e) {
            return new TrafficRecord.Rejected(record, e.reason(), "request " + event.getRequestId() + ": " + e.getMessage());
        }
    }
}

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
    /** A record whose decoding failed in a way the decoder did not foresee (a bug, or a limit of the JVM). */
    public static final String UNPROCESSABLE = "unprocessable";

    private final TaskContract task;

    public TrafficDecoder(TaskContract task) {
        this.task = task;
    }

    /**
     * Like {@link #decode}, but whatever decoding throws, even an {@link OutOfMemoryError} from an allocation the
     * record asked for or a {@link StackOverflowError}, turns the record into a dead letter instead of ending the
     * poll loop: a poison record must never stop the service, nor stop it again after each restart.
     */
    public TrafficRecord decodeOrReject(ConsumerRecord<byte[], byte[]> record) {
        try {
            return decode(record);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            return new TrafficRecord.Rejected(record, UNPROCESSABLE, "decoding failed: " + e);
        }
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

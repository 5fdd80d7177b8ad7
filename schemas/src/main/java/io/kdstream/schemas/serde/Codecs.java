package io.kdstream.schemas.serde;

import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.Prediction;
import io.kdstream.schemas.ServingDecision;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.TrafficEvent;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * One codec per record type. Codecs are thread-safe and meant to be shared. Each also reads records written with its
 * record's released schema ({@link ReleasedSchemas}), so services can be upgraded one at a time.
 */
public final class Codecs {

    public static final AvroCodec<TrafficEvent> TRAFFIC_EVENT = released(new AvroCodec<>(TrafficEvent.getClassSchema()));
    public static final AvroCodec<SoftLabel> SOFT_LABEL = released(new AvroCodec<>(SoftLabel.getClassSchema()));
    public static final AvroCodec<CheckpointKey> CHECKPOINT_KEY = released(new AvroCodec<>(CheckpointKey.getClassSchema()));
    public static final AvroCodec<Checkpoint> CHECKPOINT = released(new AvroCodec<>(Checkpoint.getClassSchema()));
    public static final AvroCodec<CheckpointChunk> CHECKPOINT_CHUNK = released(new AvroCodec<>(CheckpointChunk.getClassSchema()));
    public static final AvroCodec<Prediction> PREDICTION = released(new AvroCodec<>(Prediction.getClassSchema()));
    public static final AvroCodec<GroundTruth> GROUND_TRUTH = released(new AvroCodec<>(GroundTruth.getClassSchema()));
    public static final AvroCodec<DeadLetter> DEAD_LETTER = released(new AvroCodec<>(DeadLetter.getClassSchema()));
    public static final AvroCodec<ServingDecision> SERVING_DECISION = released(new AvroCodec<>(ServingDecision.getClassSchema()));

    private Codecs() {
    }

    /** The codec, also reading records written with its record's released schema where there is one. */
    private static <T extends SpecificRecordBase> AvroCodec<T> released(AvroCodec<T> codec) {
        Schema released = ReleasedSchemas.of(codec.schema().getName());
        return released == null ? codec : codec.withWriterSchema(released);
    }
}

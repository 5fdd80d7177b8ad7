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

/** One codec per record type. Codecs are thread-safe and meant to be shared. */
public final class Codecs {

    public static final AvroCodec<TrafficEvent> TRAFFIC_EVENT = new AvroCodec<>(TrafficEvent.getClassSchema());
    public static final AvroCodec<SoftLabel> SOFT_LABEL = new AvroCodec<>(SoftLabel.getClassSchema());
    public static final AvroCodec<CheckpointKey> CHECKPOINT_KEY = new AvroCodec<>(CheckpointKey.getClassSchema());
    public static final AvroCodec<Checkpoint> CHECKPOINT = new AvroCodec<>(Checkpoint.getClassSchema());
    public static final AvroCodec<CheckpointChunk> CHECKPOINT_CHUNK = new AvroCodec<>(CheckpointChunk.getClassSchema());
    public static final AvroCodec<Prediction> PREDICTION = new AvroCodec<>(Prediction.getClassSchema());
    public static final AvroCodec<GroundTruth> GROUND_TRUTH = new AvroCodec<>(GroundTruth.getClassSchema());
    public static final AvroCodec<DeadLetter> DEAD_LETTER = new AvroCodec<>(DeadLetter.getClassSchema());
    public static final AvroCodec<ServingDecision> SERVING_DECISION = new AvroCodec<>(ServingDecision.getClassSchema());

    private Codecs() {
    }
}

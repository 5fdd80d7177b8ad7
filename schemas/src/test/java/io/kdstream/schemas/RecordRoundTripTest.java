package io.kdstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.kdstream.schemas.serde.AvroCodec;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RecordRoundTripTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    static Tensor image() {
        return Tensor.newBuilder().setDtype(DType.UINT8).setShape(List.of(1, 28, 28))
                .setData(ByteBuffer.wrap(new byte[784])).build();
    }

    static Stream<Arguments> records() {
        SoftLabel dense = SoftLabel.newBuilder().setRequestId("r-1").setEventTime(T0).setLabelledTime(T0.plusMillis(5))
                .setInput(image()).setTeacherId("cnn").setTeacherVersion("1").setTemperature(4f).setClassCount(3)
                .setProbabilities(new DenseProbabilities(List.of(0.7f, 0.2f, 0.1f))).setTrueLabel(0)
                .setEnsemble(List.of(new TeacherContribution("cnn", "1", 1f))).build();
        SoftLabel sparse = SoftLabel.newBuilder(dense).setClassCount(1000)
                .setProbabilities(new SparseProbabilities(List.of(3, 9), List.of(0.6f, 0.3f), 0.1f)).build();
        Checkpoint checkpoint = Checkpoint.newBuilder().setModel("student").setVersion(7).setParentVersion(6L)
                .setCreatedTime(T0).setFormat("djl-params-v1").setArchitecture("mlp:784-64-10").setSha256("ab")
                .setSizeBytes(10).setChunkCount(1)
                .setLineage(Lineage.newBuilder().setSamplesSeen(100).setMode("teacher")
                        .setOffsets(List.of(new PartitionOffset("kd-soft-labels", 0, 100L))).build())
                .setHoldout(new HoldoutScores(50, 0.9f, 0.05f, 0.88f, List.of(new ClassScores(30, 0.9f, 0.85f, 0.6f, 0.6f),
                        new ClassScores(20, 0.95f, null, 0.4f, 0.4f)))).build();
        return Stream.of(
                Arguments.of(Codecs.TRAFFIC_EVENT, new TrafficEvent("r-1", T0, image(), 3, TrafficSource.REPLAY, null)),
                Arguments.of(Codecs.TRAFFIC_EVENT, new TrafficEvent("r-1", T0, image(), null, TrafficSource.SHADOW, "gw-1")),
                Arguments.of(Codecs.SOFT_LABEL, dense),
                Arguments.of(Codecs.SOFT_LABEL, sparse),
                Arguments.of(Codecs.CHECKPOINT, checkpoint),
                Arguments.of(Codecs.CHECKPOINT_KEY, new CheckpointKey("student", 7L, -1)),
                Arguments.of(Codecs.CHECKPOINT_CHUNK, new CheckpointChunk("student", 7L, 0, ByteBuffer.wrap(new byte[]{1, 2, 3}))),
                Arguments.of(Codecs.PREDICTION, new Prediction("r-1", T0, "student", 7L, List.of(0.1f, 0.9f), 1, 1.5f)),
                Arguments.of(Codecs.GROUND_TRUTH, new GroundTruth("r-1", T0, 4)),
                Arguments.of(Codecs.SERVING_DECISION, new ServingDecision("student", 41L, List.of(42L), "pin", 41L, "alice",
                        "hold v41", T0)),
                Arguments.of(Codecs.DEAD_LETTER, new DeadLetter("teacher", "kd-traffic", 0, 12L, "undecodable",
                        "expected TrafficEvent", T0, null, ByteBuffer.wrap(new byte[]{9}), false, -1, 1)));
    }

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecordBase> void shouldRoundTripEveryRecord(AvroCodec<T> codec, T record) {
        byte[] bytes = codec.serializer().serialize("topic", record);

        T decoded = codec.deserializer().deserialize("topic", bytes);

        assertThat(decoded).isEqualTo(record);
    }

    @Test
    void shouldNameTheExpectedRecordWhenBytesAreNotARecord() {
        assertThatThrownBy(() -> Codecs.TRAFFIC_EVENT.decode("hello".getBytes()))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("expected an encoded TrafficEvent");
    }

    @Test
    void shouldRefuseARecordOfAnotherType() {
        byte[] groundTruth = Codecs.GROUND_TRUTH.encode(new GroundTruth("r", T0, 1));

        assertThatThrownBy(() -> Codecs.TRAFFIC_EVENT.decode(groundTruth)).isInstanceOf(RecordDecodingException.class);
    }

    @Test
    void shouldRefuseTruncatedBytes() {
        byte[] bytes = Codecs.TRAFFIC_EVENT.encode(new TrafficEvent("r-1", T0, image(), null, TrafficSource.SHADOW, null));

        assertThatThrownBy(() -> Codecs.TRAFFIC_EVENT.decode(java.util.Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(RecordDecodingException.class);
    }

    @Test
    void shouldReadTombstonesAsNull() {
        assertThat(Codecs.CHECKPOINT.deserializer().deserialize("kd-checkpoints", null)).isNull();
    }
}

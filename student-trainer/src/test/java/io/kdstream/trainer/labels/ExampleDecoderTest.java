package io.kdstream.trainer.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.SparseProbabilities;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import org.junit.jupiter.api.Test;

class ExampleDecoderTest {

    /** Two-by-two greyscale images in two classes. */
    private static final TaskContract TASK = new TaskContract("tiny", DType.UINT8, List.of(1, 2, 2), 0f, 1f,
            List.of("dark", "light"), List.of());

    private final ExampleDecoder softLabels = ExampleDecoder.softLabels(TASK, 2f);

    @Test
    void shouldReadASoftLabelRetemperedToTheTrainersTemperature() {
        // given p = softmax(z / 4) for logits z = (4 ln 3, 0): p = (0.75, 0.25); at T' = 2 it becomes (0.9, 0.1)
        SoftLabel label = label(new DenseProbabilities(List.of(0.75f, 0.25f)), 1);

        Example example = softLabels.decode(Codecs.SOFT_LABEL.encode(label));

        assertThat(example.requestId()).isEqualTo("r1");
        assertThat(example.input()).containsExactly(0f, 1f, 0f, 1f);
        assertThat(example.teacher()[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(example.teacher()[1]).isCloseTo(0.1f, within(1e-6f));
        assertThat(example.trueLabel()).isEqualTo(1);
        assertThat(example.eventTime()).isEqualTo(10);
        assertThat(example.labelledTime()).isEqualTo(20);
        assertThat(example.sliceId()).as("a label without a shadow id is sliced by its request id").isEqualTo("r1");
    }

    @Test
    void shouldChooseTheSliceByTheGatewaysShadowIdWhereTheRecordHasOne() {
        SoftLabel label = label(new DenseProbabilities(List.of(0.75f, 0.25f)), 1);
        label.setShadowId("gateway-made");
        TrafficEvent event = new TrafficEvent("client-chosen", Instant.ofEpochMilli(5), Tensors.uint8(new byte[4], 1, 2, 2), null,
                TrafficSource.SHADOW, "gateway-made");

        Example labelled = softLabels.decode(Codecs.SOFT_LABEL.encode(label));
        Example read = ExampleDecoder.traffic(TASK).decode(Codecs.TRAFFIC_EVENT.encode(event));

        assertThat(labelled.requestId()).isEqualTo("r1");
        assertThat(labelled.sliceId()).isEqualTo("gateway-made");
        assertThat(labelled.withTrueLabel(0).sliceId()).isEqualTo("gateway-made");
        assertThat(read.requestId()).isEqualTo("client-chosen");
        assertThat(read.sliceId()).isEqualTo("gateway-made");
    }

    @Test
    void shouldReadSparseTopKLabels() {
        SoftLabel label = label(new SparseProbabilities(List.of(0), List.of(0.75f), 0.25f), null);

        Example example = softLabels.decode(Codecs.SOFT_LABEL.encode(label));

        assertThat(example.teacher()[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(example.hasTrueLabel()).isFalse();
    }

    @Test
    void shouldNameWhyARecordCannotBeUsed() {
        assertThatThrownBy(() -> softLabels.decode(new byte[]{1, 2, 3}))
                .isInstanceOfSatisfying(UnusableRecordException.class, e -> assertThat(e.reason()).isEqualTo("undecodable"));
        assertThatThrownBy(() -> softLabels.decode(Codecs.SOFT_LABEL.encode(label(new DenseProbabilities(List.of(0.75f, 0.25f)), 2))))
                .isInstanceOfSatisfying(UnusableRecordException.class, e -> assertThat(e.reason()).isEqualTo("bad-true-label"))
                .hasMessageContaining("must be in 0..1 but is 2");
        assertThatThrownBy(() -> softLabels.decode(Codecs.SOFT_LABEL.encode(label(new DenseProbabilities(List.of(0.7f, 0.1f)), 1))))
                .isInstanceOfSatisfying(UnusableRecordException.class, e -> assertThat(e.reason()).isEqualTo("bad-sum"));
    }

    @Test
    void shouldDeadLetterLabelsOfAnotherShapeOrClassCountAsContractMismatch() {
        SoftLabel wrongShape = label(new DenseProbabilities(List.of(0.75f, 0.25f)), 1);
        wrongShape.setInput(Tensors.uint8(new byte[9], 3, 3));
        assertThatThrownBy(() -> softLabels.decode(Codecs.SOFT_LABEL.encode(wrongShape)))
                .isInstanceOfSatisfying(UnusableRecordException.class, e -> assertThat(e.reason()).isEqualTo(TaskContract.MISMATCH))
                .hasMessageContaining("task tiny expects uint8 [1, 2, 2] but found uint8 [3, 3]");
        SoftLabel threeClasses = label(new DenseProbabilities(List.of(0.5f, 0.25f, 0.25f)), 1);
        threeClasses.setClassCount(3);
        assertThatThrownBy(() -> softLabels.decode(Codecs.SOFT_LABEL.encode(threeClasses)))
                .isInstanceOfSatisfying(UnusableRecordException.class, e -> assertThat(e.reason()).isEqualTo(TaskContract.MISMATCH))
                .hasMessageContaining("task tiny has 2 classes but the soft label of request r1 has 3");
        TrafficEvent flat = new TrafficEvent("t2", Instant.ofEpochMilli(5), Tensors.float32(new float[4], 4), null, TrafficSource.SHADOW, null);
        assertThatThrownBy(() -> ExampleDecoder.traffic(TASK).decode(Codecs.TRAFFIC_EVENT.encode(flat)))
                .isInstanceOfSatisfying(UnusableRecordException.class, e -> assertThat(e.reason()).isEqualTo(TaskContract.MISMATCH))
                .hasMessageContaining("but found float32 [4]");
    }

    @Test
    void shouldReadTrafficForTheModesWithoutATeacher() {
        TrafficEvent event = new TrafficEvent("t1", Instant.ofEpochMilli(5), Tensors.float32(new float[]{0.5f, 0f, 1f, 0.25f}, 2, 2), 0,
                TrafficSource.SHADOW, null);

        Example example = ExampleDecoder.traffic(TASK).decode(Codecs.TRAFFIC_EVENT.encode(event));

        assertThat(example.input()).containsExactly(0.5f, 0f, 1f, 0.25f);
        assertThat(example.teacher()).isNull();
        assertThat(example.trueLabel()).isZero();
        assertThat(example.labelledTime()).isEqualTo(-1);
    }

    private static SoftLabel label(Object probabilities, Integer trueLabel) {
        return SoftLabel.newBuilder().setRequestId("r1").setEventTime(Instant.ofEpochMilli(10)).setLabelledTime(Instant.ofEpochMilli(20))
                .setInput(Tensors.uint8(new byte[]{0, (byte) 255, 0, (byte) 255}, 2, 2)).setTeacherId("t").setTeacherVersion("1")
                .setTemperature(4f).setClassCount(2).setProbabilities(probabilities).setTrueLabel(trueLabel)
                .setEnsemble(Collections.emptyList()).build();
    }
}

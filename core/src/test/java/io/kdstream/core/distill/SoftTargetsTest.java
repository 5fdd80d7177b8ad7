package io.kdstream.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import io.kdstream.schemas.DType;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.SparseProbabilities;
import io.kdstream.schemas.Tensor;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SoftTargetsTest {

    // softmax(z / 4) and softmax(z) for z = (0.5, -1, 2)
    private static final float[] AT_T4 = {0.3182402f, 0.2187231f, 0.4630367f};
    private static final float[] AT_T1 = {0.1752904f, 0.0391126f, 0.7855970f};
    private static final Offset<Float> CLOSE = within(1e-5f);

    @Test
    void shouldRetemperToTheDistributionOfTheSameLogitsAtTheNewTemperature() {
        float[] retempered = SoftTargets.retemper(AT_T4, 4f, 1f);

        assertThat(retempered[0]).isCloseTo(AT_T1[0], CLOSE);
        assertThat(retempered[1]).isCloseTo(AT_T1[1], CLOSE);
        assertThat(retempered[2]).isCloseTo(AT_T1[2], CLOSE);
    }

    @Test
    void shouldReadADenseLabelAtTheTrainersTemperature() {
        float[] read = SoftTargets.read(label(new DenseProbabilities(List.of(AT_T4[0], AT_T4[1], AT_T4[2])), 3), 3, 1f);

        assertThat(read[2]).isCloseTo(AT_T1[2], CLOSE);
    }

    @Test
    void shouldShareTheTailMassEvenlyAmongUnlistedClasses() {
        SparseProbabilities top2 = new SparseProbabilities(List.of(3, 0), List.of(0.6f, 0.2f), 0.2f);

        float[] read = SoftTargets.read(label(top2, 5), 5, 4f);

        assertThat(read).containsExactly(new float[]{0.2f, 0.2f / 3, 0.2f / 3, 0.6f, 0.2f / 3}, CLOSE);
    }

    @Test
    void shouldRefuseLabelsThatCannotBeTrainedOn() {
        assertReason(label(new DenseProbabilities(List.of(0.5f, 0.5f)), 2), 3, "bad-class-count");
        assertReason(label(new DenseProbabilities(List.of(0.5f, Float.NaN, 0f)), 3), 3, "not-finite");
        assertReason(label(new DenseProbabilities(List.of(0.5f, 0.2f, 0.1f)), 3), 3, "bad-sum");
        assertReason(label(new DenseProbabilities(List.of(1.2f, -0.2f, 0f)), 3), 3, "negative");
        assertReason(label(new SparseProbabilities(List.of(7), List.of(0.9f), 0.1f), 3), 3, "bad-sparse");
    }

    private static void assertReason(SoftLabel label, int classes, String reason) {
        assertThatThrownBy(() -> SoftTargets.read(label, classes, 4f))
                .isInstanceOfSatisfying(InvalidSoftLabelException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static SoftLabel label(Object probabilities, int classes) {
        Tensor input = new Tensor(DType.UINT8, List.of(1), ByteBuffer.wrap(new byte[1]));
        return SoftLabel.newBuilder().setRequestId("r").setEventTime(Instant.EPOCH).setLabelledTime(Instant.EPOCH)
                .setInput(input).setTeacherId("t").setTeacherVersion("1").setTemperature(4f).setClassCount(classes)
                .setProbabilities(probabilities).build();
    }
}

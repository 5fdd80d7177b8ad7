package io.kdstream.teacher.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;

import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.SparseProbabilities;
import io.kdstream.schemas.TeacherContribution;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import org.junit.jupiter.api.Test;

class SoftLabellerTest {

    private static final TrafficEvent EVENT = new TrafficEvent("r-1", Instant.ofEpochMilli(1000),
            Tensors.uint8(new byte[4], 1, 2, 2), 3, TrafficSource.SHADOW, "gateway-id-1");
    private static final float[] ROWS = {9, 9, 9, 9, 9, /* row 1: */ 0.1f, 0.4f, 0.05f, 0.3f, 0.15f};

    @Test
    void shouldWriteADenseLabelCarryingTheTeacherTemperatureAndInput() {
        List<TeacherContribution> members = List.of(new TeacherContribution("a", "1", 0.5f), new TeacherContribution("b", "2", 0.5f));
        SoftLabeller labeller = new SoftLabeller("ensemble", "abc", members, 4f, 5, 0);

        SoftLabel label = labeller.label(EVENT, ROWS, 5, Instant.ofEpochMilli(2000));

        assertThat(label.getRequestId()).isEqualTo("r-1");
        assertThat(label.getShadowId()).as("the gateway's id, by which the trainer chooses its holdout").isEqualTo("gateway-id-1");
        assertThat(label.getEventTime()).isEqualTo(Instant.ofEpochMilli(1000));
        assertThat(label.getLabelledTime()).isEqualTo(Instant.ofEpochMilli(2000));
        assertThat(label.getTeacherId()).isEqualTo("ensemble");
        assertThat(label.getTeacherVersion()).isEqualTo("abc");
        assertThat(label.getTemperature()).isEqualTo(4f);
        assertThat(label.getClassCount()).isEqualTo(5);
        assertThat(label.getTrueLabel()).isEqualTo(3);
        assertThat(label.getInput()).isEqualTo(EVENT.getInput());
        assertThat(label.getEnsemble()).isEqualTo(members);
        assertThat(((DenseProbabilities) label.getProbabilities()).getValues()).containsExactly(0.1f, 0.4f, 0.05f, 0.3f, 0.15f);
    }

    @Test
    void shouldWriteTheTopKClassesAndTheTailMass() {
        SoftLabeller labeller = new SoftLabeller("t", "v", List.of(), 4f, 5, 2);

        SoftLabel label = labeller.label(EVENT, ROWS, 5, Instant.ofEpochMilli(2000));

        SparseProbabilities sparse = (SparseProbabilities) label.getProbabilities();
        assertThat(sparse.getIndices()).containsExactly(1, 3);
        assertThat(sparse.getValues()).containsExactly(0.4f, 0.3f);
        assertThat(sparse.getTailMass()).isCloseTo(0.3f, within(1e-6f));
        // the trainer's reader shares the tail evenly among the three classes not listed
        assertThat(SoftTargets.read(label, 5, 4f)).containsExactly(new float[]{0.1f, 0.4f, 0.1f, 0.3f, 0.1f}, within(1e-6f));
    }

    @Test
    void shouldRefuseATopKThatIsNotBelowTheClassCount() {
        assertThatThrownBy(() -> new SoftLabeller("t", "v", List.of(), 4f, 5, 5))
                .hasMessageContaining("output.top.k must be 0 (dense) or below the teacher's 5 classes but is 5");
    }
}

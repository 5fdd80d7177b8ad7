package io.kdstream.teacher.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.kdstream.schemas.TeacherContribution;
import org.junit.jupiter.api.Test;

class EnsembleTeacherTest {

    // Two teachers over two classes: a says [ln 3, 0] (p = 0.75, 0.25 at T = 1), b says [0, 0] (p = 0.5, 0.5).
    private final FakeTeacher a = FakeTeacher.constant("a", 4, (float) Math.log(3), 0f);
    private final FakeTeacher b = FakeTeacher.constant("b", 4, 0f, 0f);

    @Test
    void shouldAverageProbabilitiesWithNormalisedWeights() {
        try (EnsembleTeacher ensemble = new EnsembleTeacher("mix", List.of(a, b), List.of(3.0, 1.0), false)) {
            float[] p = ensemble.probabilities(new float[8], 2, 1f);

            // 0.75 * 0.75 + 0.25 * 0.5 = 0.6875 for class 0, for both examples
            assertThat(p).hasSize(4);
            assertThat(p[0]).isCloseTo(0.6875f, within(1e-6f));
            assertThat(p[1]).isCloseTo(0.3125f, within(1e-6f));
            assertThat(p[2]).isCloseTo(0.6875f, within(1e-6f));
            assertThat(ensemble.members()).containsExactly(new TeacherContribution("a", "a-v1", 0.75f),
                    new TeacherContribution("b", "b-v1", 0.25f));
        }
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
    }

    @Test
    void shouldAverageLogitsBeforeSofteningWhenAsked() {
        try (EnsembleTeacher ensemble = new EnsembleTeacher("mix", List.of(a, b), List.of(1.0, 1.0), true)) {
            float[] p = ensemble.probabilities(new float[4], 1, 2f);

            // mean logits [ln 3 / 2, 0], softened at T = 2: softmax([ln 3 / 4, 0]) = [3^(1/4), 1] / (3^(1/4) + 1)
            double expected = Math.pow(3, 0.25) / (Math.pow(3, 0.25) + 1);
            assertThat(p[0]).isCloseTo((float) expected, within(1e-6f));
            assertThat(p[0] + p[1]).isCloseTo(1f, within(1e-6f));
        }
    }

    @Test
    void shouldNameTheMixInItsVersion() {
        EnsembleTeacher even = new EnsembleTeacher("mix", List.of(a, b), List.of(1.0, 1.0), false);
        EnsembleTeacher skewed = new EnsembleTeacher("mix", List.of(a, b), List.of(2.0, 1.0), false);
        EnsembleTeacher evenAgain = new EnsembleTeacher("mix", List.of(a, b), List.of(5.0, 5.0), false);

        assertThat(even.version()).hasSize(12).isNotEqualTo(skewed.version()).isEqualTo(evenAgain.version());
    }

    @Test
    void shouldRefuseMembersOfAnotherTask() {
        FakeTeacher three = FakeTeacher.constant("three", 4, 0f, 0f, 0f);

        assertThatThrownBy(() -> new EnsembleTeacher("mix", List.of(a, three), List.of(1.0, 1.0), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ensemble members must share one task, but member three and member a differ")
                .hasMessageContaining("has classes [c0, c1] but the other side has [c0, c1, c2]");
    }
}

package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.kdstream.schemas.ClassScores;
import io.kdstream.schemas.HoldoutScores;
import org.junit.jupiter.api.Test;

class HoldoutScorerTest {

    @Test
    void shouldScoreAgreementKlAndAccuracyAsComputedByHand() {
        // given two examples over three classes; only the first has a true label
        float[] student = {0.7f, 0.2f, 0.1f, 0.2f, 0.5f, 0.3f};
        float[] reference = {0.6f, 0.3f, 0.1f, 0.1f, 0.2f, 0.7f};
        int[] labels = {0, -1};

        // when
        HoldoutScores scores = HoldoutScorer.score(student, reference, labels, 2, 3);

        // then: KL row 0 = 0.6 ln(6/7) + 0.3 ln(3/2) = 0.0291491; row 1 = 0.1 ln(1/2) + 0.2 ln(2/5) + 0.7 ln(7/3) = 0.3405356
        assertThat(scores.getExamples()).isEqualTo(2);
        assertThat(scores.getAgreement()).isEqualTo(0.5f);
        assertThat(scores.getKl()).isCloseTo(0.1848424f, within(1e-5f));
        assertThat(scores.getAccuracy()).isEqualTo(1.0f);
    }

    @Test
    void shouldScoreEachClassAsComputedByHand() {
        // given the same two examples: the student picks classes 0 and 1, the reference 0 and 2, the label says 0
        float[] student = {0.7f, 0.2f, 0.1f, 0.2f, 0.5f, 0.3f};
        float[] reference = {0.6f, 0.3f, 0.1f, 0.1f, 0.2f, 0.7f};

        // when
        List<ClassScores> perClass = HoldoutScorer.score(student, reference, new int[]{0, -1}, 2, 3).getPerClass();

        // then class 0 agrees and is right; class 1 is only the student's; class 2 is only the reference's
        assertThat(perClass).extracting(ClassScores::getExamples).containsExactly(1, 0, 1);
        assertThat(perClass).extracting(ClassScores::getAgreement).containsExactly(1f, 0f, 0f);
        assertThat(perClass).extracting(ClassScores::getAccuracy).containsExactly(1f, null, null);
        assertThat(perClass).extracting(ClassScores::getStudentFrequency).containsExactly(0.5f, 0.5f, 0f);
        assertThat(perClass).extracting(ClassScores::getTeacherFrequency).containsExactly(0.5f, 0f, 0.5f);
    }

    @Test
    void shouldSkipZeroReferenceMassAndReportNoAccuracyWithoutLabels() {
        float[] student = {0.5f, 0.25f, 0.25f};
        float[] reference = {1f, 0f, 0f};

        HoldoutScores scores = HoldoutScorer.score(student, reference, new int[]{-1}, 1, 3);

        assertThat(scores.getKl()).isCloseTo((float) Math.log(2), within(1e-6f));
        assertThat(scores.getAgreement()).isEqualTo(1f);
        assertThat(scores.getAccuracy()).isNull();
    }

    @Test
    void shouldScoreAnEmptyHoldoutAsZeroExamples() {
        HoldoutScores scores = HoldoutScorer.score(new float[0], new float[0], new int[0], 0, 10);

        assertThat(scores.getExamples()).isZero();
        assertThat(scores.getAccuracy()).isNull();
    }
}

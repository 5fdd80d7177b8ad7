package io.kdstream.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationScoresTest {

    @Test
    void shouldComputeAccuracyAndMacroF1ByHand() {
        // class 0: tp 2, predicted 3, actual 2 → p 2/3, r 1, F1 0.8
        // class 1: tp 1, predicted 1, actual 2 → p 1, r 1/2, F1 2/3
        // class 2: tp 0, predicted 0, actual 0 → F1 0
        int[] predicted = {0, 0, 0, 1};
        int[] actual = {0, 0, 1, 1};

        ClassificationScores scores = ClassificationScores.of(predicted, actual, 3);

        assertThat(scores.accuracy()).isEqualTo(0.75);
        assertThat(scores.macroF1()).isCloseTo((0.8 + 2.0 / 3 + 0) / 3, within(1e-12));
    }

    @Test
    void shouldFindTheTopClassOfARow() {
        assertThat(ClassificationScores.argmax(new float[]{0.1f, 0.7f, 0.2f, 0.5f, 0.2f, 0.3f}, 1, 3)).isEqualTo(0);
    }
}

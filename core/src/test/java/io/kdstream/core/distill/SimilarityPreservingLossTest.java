package io.kdstream.core.distill;

import static io.kdstream.core.distill.FeatureLossTesting.evaluate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimilarityPreservingLossTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldBeTheSquaredFrobeniusDistanceOfRowNormalisedGramMatricesOverBSquared() {
        // given student rows (1, 0), (0, 1): G_s = I; teacher rows (1, 0), (1, 1): Gram [[1, 1], [1, 2]],
        // rows normalised (1, 1)/√2 and (1, 2)/√5
        float loss = evaluate(new SimilarityPreservingLoss(), manager.create(new float[]{1, 0, 0, 1}, new Shape(2, 2)),
                manager.create(new float[]{1, 0, 1, 1}, new Shape(2, 2)));

        // then: (1 − 1/√2)² + (1/√2)² + (1/√5)² + (1 − 2/√5)² = 0.7969321, over b² = 4
        assertThat(loss).isCloseTo(0.1992330f, within(1e-6f));
    }

    @Test
    void shouldCompareFeaturesOfDifferentWidthsAndShapesThroughTheirSimilarities() {
        // given a student of width 2 and a teacher of 1×1×3 maps with the same similarities between its two examples
        float loss = evaluate(new SimilarityPreservingLoss(), manager.create(new float[]{1, 0, 0, 1}, new Shape(2, 2)),
                manager.create(new float[]{0, 3, 0, 0, 0, 5}, new Shape(2, 1, 1, 3)));

        assertThat(loss).isCloseTo(0f, within(1e-7f));
    }

    @Test
    void shouldBeZeroForATeacherWhoseFeaturesAreTheStudentsScaled() {
        float[] features = {1, -2, 0.5f, 3, 0, 1, -1, 1, 2};

        float loss = evaluate(new SimilarityPreservingLoss(), manager.create(features, new Shape(3, 3)),
                manager.create(features, new Shape(3, 3)).mul(7));

        assertThat(loss).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void shouldRefuseFeaturesOfDifferentBatches() {
        assertThatThrownBy(() -> evaluate(new SimilarityPreservingLoss(), manager.ones(new Shape(2, 4)), manager.ones(new Shape(3, 4))))
                .hasMessageContaining("sp")
                .hasMessageContaining("2 and 3");
    }
}

package io.kdstream.core.distill;

import static io.kdstream.core.distill.FeatureLossTesting.evaluate;
import static io.kdstream.core.distill.FeatureLossTesting.setParameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HintLossTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldBeTheMeanSquaredErrorBetweenTheRegressorsProjectionAndTheHint() {
        // given r(v) = W·v + b with W = [[1, 2], [0, 1]], b = (0.5, −1):
        // r(1, 0) = (1.5, −1), r(0, 1) = (2.5, 0); hints (1, 0) and (2, 2)
        HintLoss hint = HintLoss.forVectors(2);
        hint.initialize(manager, new Shape(2, 2));
        setParameters(hint.regressor(), new float[]{1, 2, 0, 1}, new float[]{0.5f, -1});

        // when
        float loss = evaluate(hint, manager.create(new float[]{1, 0, 0, 1}, new Shape(2, 2)),
                manager.create(new float[]{1, 0, 2, 2}, new Shape(2, 2)));

        // then: differences (0.5, −1) and (0.5, −2); (0.25 + 1 + 0.25 + 4) / 4
        assertThat(loss).isCloseTo(1.375f, within(1e-6f));
    }

    @Test
    void shouldProjectFeatureMapsThroughAOneByOneConvolution() {
        // given two 1×2 student channels (1, 2) and (3, 4), a filter (0.5, −1) without bias: (−2.5, −3)
        HintLoss hint = HintLoss.forMaps(1);
        hint.initialize(manager, new Shape(1, 2, 1, 2));
        setParameters(hint.regressor(), new float[]{0.5f, -1}, new float[]{0});

        // when the teacher's one channel is (−2, −1)
        float loss = evaluate(hint, manager.create(new float[]{1, 2, 3, 4}, new Shape(1, 2, 1, 2)),
                manager.create(new float[]{-2, -1}, new Shape(1, 1, 1, 2)));

        // then: differences (−0.5, −2); (0.25 + 4) / 2
        assertThat(loss).isCloseTo(2.125f, within(1e-6f));
    }

    @Test
    void shouldNameBothShapesWhenTheRegressorDoesNotReachTheHintsShape() {
        HintLoss hint = HintLoss.forVectors(3);
        hint.initialize(manager, new Shape(2, 2));

        assertThatThrownBy(() -> evaluate(hint, manager.ones(new Shape(2, 2)), manager.ones(new Shape(2, 4))))
                .hasMessageContaining("fitnets")
                .hasMessageContaining("(2, 3)")
                .hasMessageContaining("(2, 4)");
    }

    @Test
    void shouldRefuseFeaturesOfDifferentExamples() {
        HintLoss hint = HintLoss.forVectors(2);
        hint.initialize(manager, new Shape(2, 2));

        assertThatThrownBy(() -> evaluate(hint, manager.ones(new Shape(2, 2)), manager.ones(new Shape(3, 2))))
                .hasMessageContaining("same examples")
                .hasMessageContaining("2 and 3");
    }

    @Test
    void shouldRefuseAnEmptyRegressor() {
        assertThatThrownBy(() -> HintLoss.forVectors(0)).hasMessageContaining("teacher width");
    }
}

package io.kdstream.core.distill;

import static io.kdstream.core.distill.FeatureLossTesting.evaluate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hand values: a 1×2 student map with channels (1, 2) and (3, 0) has |A|² channel mean (5, 2), normalised
 * (5, 2)/√29; a one-channel teacher map (0, 1) normalises to (0, 1). The squared distance of two unit vectors is
 * 2 − 2·cos, here 2 − 2·2/√29 = 2 − 4/√29 = 1.2572186.
 */
class AttentionTransferLossTest {

    private static final float[] STUDENT = {1, 2, 3, 0};
    private static final float[] TEACHER = {0, 1};
    private static final float DISTANCE = (float) (2 - 4 / Math.sqrt(29));

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldBeTheSquaredDistanceOfNormalisedChannelMeanMaps() {
        float loss = evaluate(new AttentionTransferLoss(1f), manager.create(STUDENT, new Shape(1, 2, 1, 2)),
                manager.create(TEACHER, new Shape(1, 1, 1, 2)));

        assertThat(loss).isCloseTo(DISTANCE, within(1e-6f));
    }

    @Test
    void shouldAverageOverTheBatch() {
        // given a second example whose maps agree exactly (same attention, twice the energy)
        float[] student = {1, 2, 3, 0, 1, 1, 1, 1};
        float[] teacher = {0, 1, 2, 2};

        float loss = evaluate(new AttentionTransferLoss(1f), manager.create(student, new Shape(2, 2, 1, 2)),
                manager.create(teacher, new Shape(2, 1, 1, 2)));

        assertThat(loss).isCloseTo(DISTANCE / 2, within(1e-6f));
    }

    @Test
    void shouldSumLayerPairsByTheirWeights() {
        // given the same pair twice, weighted 1 and 3
        NDList student = new NDList(manager.create(STUDENT, new Shape(1, 2, 1, 2)), manager.create(STUDENT, new Shape(1, 2, 1, 2)));
        NDList teacher = new NDList(manager.create(TEACHER, new Shape(1, 1, 1, 2)), manager.create(TEACHER, new Shape(1, 1, 1, 2)));

        float loss = new AttentionTransferLoss(1f, 3f).evaluate(student, teacher, new ParameterStore(manager, false), true).getFloat();

        assertThat(loss).isCloseTo(4 * DISTANCE, within(1e-5f));
    }

    @Test
    void shouldRefuseMapsOfDifferentSpatialSizeNamingBoth() {
        assertThatThrownBy(() -> evaluate(new AttentionTransferLoss(1f), manager.ones(new Shape(1, 2, 2, 2)),
                manager.ones(new Shape(1, 2, 1, 2))))
                .hasMessageContaining("2x2 student map")
                .hasMessageContaining("1x2 teacher map")
                .hasMessageContaining("not pooled");
    }

    @Test
    void shouldRefuseFeaturesThatAreNotMaps() {
        assertThatThrownBy(() -> evaluate(new AttentionTransferLoss(1f), manager.ones(new Shape(2, 8)), manager.ones(new Shape(2, 8))))
                .hasMessageContaining("(batch, channels, height, width)")
                .hasMessageContaining("MLP");
    }

    @Test
    void shouldRefuseAWrongNumberOfLayerPairs() {
        assertThatThrownBy(() -> evaluate(new AttentionTransferLoss(1f, 1f), manager.ones(new Shape(1, 1, 2, 2)),
                manager.ones(new Shape(1, 1, 2, 2))))
                .hasMessageContaining("expected 2 layer pairs");
    }

    @Test
    void shouldNameEveryBadLayerWeight() {
        assertThatThrownBy(() -> new AttentionTransferLoss(1f, Float.NaN, -2f))
                .hasMessageContaining("'layer pair 1'")
                .hasMessageContaining("'layer pair 2'")
                .hasMessageNotContaining("'layer pair 0'");
    }

    @Test
    void shouldKeepGradientsFiniteForMapsWithoutActivation() {
        FeatureLossTesting.assertFiniteGradient(new AttentionTransferLoss(1f), manager, new float[4], new Shape(1, 2, 1, 2),
                manager.create(TEACHER, new Shape(1, 1, 1, 2)));
    }
}

package io.kdstream.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.kdstream.core.distill.FeatureDistillationLoss.Evaluation;
import io.kdstream.core.distill.FeatureDistillationLoss.FeaturePair;
import io.kdstream.core.distill.FeatureDistillationLoss.Term;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reuses hand values from the single-loss tests: KD 0.0024666 for logits (1, 2, 3) against (0.2, 0.3, 0.5) at T = 2
 * without a true label, SP 0.1992330 and AT 2 − 4/√29 = 1.2572186.
 */
class FeatureDistillationLossTest {

    private static final float KD = 0.0024666f;
    private static final float SP = 0.1992330f;
    private static final float AT = (float) (2 - 4 / Math.sqrt(29));

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldAddTheWeightedFeatureLossesToTheWeightedResponseLoss() {
        // given
        FeatureDistillationLoss loss = new FeatureDistillationLoss(new DistillationLoss(2f, 0.5f), 1f,
                List.of(Term.of(2f, new SimilarityPreservingLoss()), Term.of(0.5f, new AttentionTransferLoss(1f))));

        // when
        Evaluation evaluation = evaluate(loss, Map.of("sp", spFeatures(), "at", atFeatures()));

        // then
        assertThat(evaluation.total().getFloat()).isCloseTo(KD + 2 * SP + 0.5f * AT, within(1e-5f));
        assertThat(evaluation.weightedTerms()).containsOnlyKeys("kd", "sp", "at");
        assertThat(evaluation.weightedTerms().get("sp").getFloat()).isCloseTo(2 * SP, within(1e-5f));
    }

    @Test
    void shouldSkipTermsOfWeightZeroWithoutNeedingTheirFeatures() {
        FeatureDistillationLoss loss = new FeatureDistillationLoss(new DistillationLoss(2f, 0.5f), 0f,
                List.of(Term.of(1f, new SimilarityPreservingLoss()), Term.of(0f, new AttentionTransferLoss(1f))));

        Evaluation evaluation = evaluate(loss, Map.of("sp", spFeatures()));

        assertThat(evaluation.total().getFloat()).isCloseTo(SP, within(1e-6f));
        assertThat(evaluation.weightedTerms()).containsOnlyKeys("sp");
    }

    @Test
    void shouldNameATermWhoseFeaturesAreMissing() {
        FeatureDistillationLoss loss = new FeatureDistillationLoss(new DistillationLoss(2f, 0.5f), 1f,
                List.of(Term.of(1f, new SimilarityPreservingLoss()), new Term("hint-penultimate", 1f, HintLoss.forVectors(2))));

        assertThatThrownBy(() -> evaluate(loss, Map.of("sp", spFeatures())))
                .hasMessageContaining("'hint-penultimate'")
                .hasMessageContaining("fitnets")
                .hasMessageContaining("[sp]");
    }

    @Test
    void shouldNameEveryBadWeightAtOnce() {
        assertThatThrownBy(() -> new FeatureDistillationLoss(new DistillationLoss(2f, 0.5f), Float.NaN,
                List.of(Term.of(-1f, new SimilarityPreservingLoss()), Term.of(Float.POSITIVE_INFINITY, new RelationalLoss()),
                        Term.of(1f, new AttentionTransferLoss(1f)))))
                .hasMessageContaining("weight 'kd' must be finite and >= 0 but is NaN")
                .hasMessageContaining("weight 'sp' must be finite and >= 0 but is -1.0")
                .hasMessageContaining("weight 'rkd' must be finite and >= 0 but is Infinity")
                .hasMessageNotContaining("'at'");
    }

    @Test
    void shouldRefuseTwoTermsOfTheSameName() {
        assertThatThrownBy(() -> new FeatureDistillationLoss(new DistillationLoss(2f, 0.5f), 1f,
                List.of(Term.of(1f, new SimilarityPreservingLoss()), Term.of(2f, new SimilarityPreservingLoss()))))
                .hasMessageContaining("'sp' is used twice");
    }

    @Test
    void shouldListTheLearnedBlocksOfEveryTerm() {
        HintLoss hint = HintLoss.forVectors(4);
        ContrastiveLoss crd = new ContrastiveLoss(4);

        FeatureDistillationLoss loss = new FeatureDistillationLoss(new DistillationLoss(2f, 0.5f), 1f,
                List.of(Term.of(1f, hint), Term.of(1f, new SimilarityPreservingLoss()), Term.of(0.8f, crd)));

        assertThat(loss.learnedBlocks()).containsExactly(hint.regressor(), crd.studentHead(), crd.teacherHead());
    }

    private Evaluation evaluate(FeatureDistillationLoss loss, Map<String, FeaturePair> features) {
        NDList labels = new NDList(manager.create(new float[]{0.2f, 0.3f, 0.5f}, new Shape(1, 3)), manager.create(new float[]{-1}, new Shape(1)));
        NDList logits = new NDList(manager.create(new float[]{1, 2, 3}, new Shape(1, 3)));
        return loss.evaluate(labels, logits, features, new ParameterStore(manager, false), true);
    }

    private FeaturePair spFeatures() {
        return new FeaturePair(new NDList(manager.create(new float[]{1, 0, 0, 1}, new Shape(2, 2))),
                new NDList(manager.create(new float[]{1, 0, 1, 1}, new Shape(2, 2))));
    }

    private FeaturePair atFeatures() {
        return new FeaturePair(new NDList(manager.create(new float[]{1, 2, 3, 0}, new Shape(1, 2, 1, 2))),
                new NDList(manager.create(new float[]{0, 1}, new Shape(1, 1, 1, 2))));
    }
}

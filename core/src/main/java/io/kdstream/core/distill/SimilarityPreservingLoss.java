package io.kdstream.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

/**
 * Similarity-preserving KD (Tung &amp; Mori, "Similarity-Preserving Knowledge Distillation", ICCV 2019): examples
 * the teacher finds alike should look alike to the student. With {@code F} the batch's features flattened to
 * {@code (b, n)},
 *
 * <pre>
 *   G = F·Fᵀ with each row L2-normalised,     L = ‖G_s − G_t‖²_F / b²
 * </pre>
 *
 * Only the b×b similarities are compared, so student and teacher widths may differ and no regressor is needed.
 * The batch is the unit: a batch of one carries no similarity (L = 0).
 */
public final class SimilarityPreservingLoss implements FeatureLoss {

    @Override
    public String method() {
        return "sp";
    }

    @Override
    public NDArray evaluate(NDList student, NDList teacher, ParameterStore parameters, boolean training) {
        FeatureMath.LayerPair pair = FeatureMath.onlyPair(method(), student, teacher);
        long batch = pair.student().getShape().get(0);
        return similarities(pair.student()).sub(similarities(pair.teacher())).square().sum().div((float) (batch * batch));
    }

    /** The row-normalised Gram matrix of a batch. */
    static NDArray similarities(NDArray features) {
        NDArray rows = FeatureMath.flatten(features);
        return FeatureMath.normalizeRows(rows.matMul(rows.transpose()));
    }
}

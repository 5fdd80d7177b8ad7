package io.kdstream.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The knowledge-distillation loss of Hinton et al., averaged over the batch:
 *
 * <pre>
 *   L = (1 − α)·CE(z, y) + α·T²·KL(p_teacher,T ‖ softmax(z / T))
 * </pre>
 *
 * where {@code z} are the student's logits and {@code p_teacher,T} the teacher's distribution softened at the same
 * temperature T. The T² factor keeps the soft-target gradients on the scale of the hard-target ones as T grows.
 * For an example without a true label α is 1: it learns from the teacher alone.
 *
 * <p>Labels are {@code [teacherProbabilities (B, C), trueLabels (B)]}, a true label of −1 meaning unknown;
 * predictions are {@code [logits (B, C)]}. With α = 0 and every label known this is plain cross-entropy.
 */
public final class DistillationLoss extends Loss {

    /** Probabilities below this count as zero inside the teacher's own entropy term. */
    private static final float EPSILON = 1e-12f;

    private final float temperature;
    private final float alpha;

    /**
     * @param temperature T &gt; 0; 2.5–4 suits narrow students
     * @param alpha       weight of the soft targets where a true label is known, in [0, 1]
     */
    public DistillationLoss(float temperature, float alpha) {
        super("DistillationLoss");
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0 but is " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1] but is " + alpha);
        }
        this.temperature = temperature;
        this.alpha = alpha;
    }

    public float temperature() {
        return temperature;
    }

    public float alpha() {
        return alpha;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray teacher = labels.get(0);
        NDArray trueLabels = labels.get(1).toType(DataType.FLOAT32, false);
        int classes = (int) logits.getShape().get(1);

        NDArray studentLogSoftened = logits.div(temperature).logSoftmax(1);
        NDArray teacherLog = teacher.maximum(EPSILON).log();
        NDArray kl = teacher.mul(teacherLog.sub(studentLogSoftened)).sum(new int[]{1});

        NDArray knownMask = trueLabels.gte(0);
        NDArray known = knownMask.toType(DataType.FLOAT32, false);
        NDArray perExampleAlpha = known.mul(alpha).add(known.neg().add(1f));
        NDArray oneHot = trueLabels.maximum(0f).toType(DataType.INT32, false).oneHot(classes);
        NDArray crossEntropy = logits.logSoftmax(1).mul(oneHot).sum(new int[]{1}).neg();

        // Terms with weight 0 are selected away rather than multiplied by 0: an unused term that overflows (0 · ∞)
        // would otherwise turn the whole loss into NaN.
        NDArray zero = logits.getManager().zeros(perExampleAlpha.getShape());
        NDArray hardTerm = NDArrays.where(perExampleAlpha.lt(1f), perExampleAlpha.neg().add(1f).mul(crossEntropy), zero);
        NDArray softTerm = NDArrays.where(perExampleAlpha.gt(0f), perExampleAlpha.mul(kl).mul(temperature * temperature), zero);
        return hardTerm.add(softTerm).mean();
    }
}

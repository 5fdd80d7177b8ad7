package io.kdstream.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Relational KD (Park et al., "Relational Knowledge Distillation", CVPR 2019): the student keeps the geometry of
 * the teacher's embeddings rather than the embeddings themselves, so the widths may differ. With {@code ℓ} the
 * smooth-L1 (Huber, δ = 1) loss and embeddings flattened to one row per example:
 *
 * <pre>
 *   distance:  ψ_D(i, j) = ‖x_i − x_j‖₂ / μ,  μ the mean distance over the batch's pairs of distinct examples
 *              L_D = mean over pairs i ≠ j of ℓ(ψ_D(s_i, s_j) − ψ_D(t_i, t_j))
 *   angle:     ψ_A(i, j, k) = ⟨(x_j − x_i)/‖x_j − x_i‖, (x_k − x_i)/‖x_k − x_i‖⟩, the cosine of the angle at x_i
 *              L_A = mean over triplets of distinct i, j, k of ℓ(ψ_A(s) − ψ_A(t))
 *   L = w_D·L_D + w_A·L_A,   w_D = 25, w_A = 50 by default (the paper's)
 * </pre>
 *
 * The authors' code averages over all b² pairs and b³ triplets, the degenerate ones (zero) included; averaging over
 * distinct ones only keeps a loss's scale independent of the batch size. A batch of one has no pairs and a batch
 * of two no triplets: those terms are 0.
 */
public final class RelationalLoss implements FeatureLoss {

    public static final float DEFAULT_DISTANCE_WEIGHT = 25f;
    public static final float DEFAULT_ANGLE_WEIGHT = 50f;

    private final float distanceWeight;
    private final float angleWeight;

    /** The paper's weights, 25 for distances and 50 for angles. */
    public RelationalLoss() {
        this(DEFAULT_DISTANCE_WEIGHT, DEFAULT_ANGLE_WEIGHT);
    }

    public RelationalLoss(float distanceWeight, float angleWeight) {
        new LossWeights().check("distance", distanceWeight).check("angle", angleWeight).throwIfAny("rkd");
        this.distanceWeight = distanceWeight;
        this.angleWeight = angleWeight;
    }

    @Override
    public String method() {
        return "rkd";
    }

    @Override
    public NDArray evaluate(NDList student, NDList teacher, ParameterStore parameters, boolean training) {
        FeatureMath.LayerPair pair = FeatureMath.onlyPair(method(), student, teacher);
        NDArray studentRows = FeatureMath.flatten(pair.student());
        NDArray teacherRows = FeatureMath.flatten(pair.teacher());
        NDArray loss = studentRows.getManager().zeros(new Shape());
        if (distanceWeight > 0) {
            loss = loss.add(distanceLoss(studentRows, teacherRows).mul(distanceWeight));
        }
        if (angleWeight > 0) {
            loss = loss.add(angleLoss(studentRows, teacherRows).mul(angleWeight));
        }
        return loss;
    }

    /** L_D on {@code (b, n)} rows, unweighted. */
    static NDArray distanceLoss(NDArray student, NDArray teacher) {
        int batch = (int) student.getShape().get(0);
        NDManager manager = student.getManager();
        if (batch < 2) {
            return manager.zeros(new Shape());
        }
        NDArray pairs = FeatureMath.distinctPairs(manager, batch);
        float pairCount = (float) batch * (batch - 1);
        NDArray difference = normalisedDistances(student, pairs, pairCount).sub(normalisedDistances(teacher, pairs, pairCount));
        return FeatureMath.smoothL1(difference).mul(pairs).sum().div(pairCount);
    }

    /** L_A on {@code (b, n)} rows, unweighted. */
    static NDArray angleLoss(NDArray student, NDArray teacher) {
        int batch = (int) student.getShape().get(0);
        NDManager manager = student.getManager();
        if (batch < 3) {
            return manager.zeros(new Shape());
        }
        NDArray pairs = FeatureMath.distinctPairs(manager, batch);
        // (i, j, k) distinct: i ≠ j, i ≠ k and j ≠ k.
        NDArray triplets = pairs.reshape(batch, batch, 1).mul(pairs.reshape(batch, 1, batch)).mul(pairs.reshape(1, batch, batch));
        float tripletCount = (float) batch * (batch - 1) * (batch - 2);
        NDArray difference = cosines(student).sub(cosines(teacher));
        return FeatureMath.smoothL1(difference).mul(triplets).sum().div(tripletCount);
    }

    /** ‖x_i − x_j‖ divided by its mean over distinct pairs; the diagonal is left at its (unused) floor. */
    private static NDArray normalisedDistances(NDArray rows, NDArray pairs, float pairCount) {
        NDArray distances = offsets(rows).square().sum(new int[]{2}).maximum(FeatureMath.EPSILON).sqrt();
        NDArray mean = distances.mul(pairs).sum().div(pairCount);
        return distances.div(mean.maximum(FeatureMath.EPSILON));
    }

    /** {@code (b, b, b)}: the cosine at vertex i between the directions to j and to k. */
    private static NDArray cosines(NDArray rows) {
        NDArray directions = FeatureMath.normalizeRows(offsets(rows));
        return directions.batchMatMul(directions.transpose(0, 2, 1));
    }

    /** {@code (b, b, n)}: entry (i, j) is x_j − x_i. */
    private static NDArray offsets(NDArray rows) {
        return rows.expandDims(0).sub(rows.expandDims(1));
    }
}

package io.kdstream.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Shape checks and row operations the feature losses share. */
final class FeatureMath {

    /** Norms below this count as this, so an all-zero row normalises to zero instead of NaN. */
    static final float EPSILON = 1e-12f;

    private FeatureMath() {
    }

    /** A student's and a teacher's features of the same examples. */
    record LayerPair(NDArray student, NDArray teacher) {
    }

    /**
     * The one layer pair a single-layer method takes.
     *
     * @throws IllegalArgumentException naming the method when there is not exactly one pair or its batches differ
     */
    static LayerPair onlyPair(String method, NDList student, NDList teacher) {
        LayerPair pair = new LayerPair(onlyLayer(method, student, "student"), onlyLayer(method, teacher, "teacher"));
        requireSameBatch(method, pair.student(), pair.teacher());
        return pair;
    }

    private static NDArray onlyLayer(String method, NDList features, String side) {
        if (features.size() != 1) {
            throw new IllegalArgumentException(method + " takes one " + side + " feature array but found " + features.size());
        }
        return features.get(0);
    }

    /** @throws IllegalArgumentException when the two arrays do not hold the same number of examples */
    static void requireSameBatch(String method, NDArray student, NDArray teacher) {
        long studentBatch = student.getShape().get(0);
        long teacherBatch = teacher.getShape().get(0);
        if (studentBatch != teacherBatch) {
            throw new IllegalArgumentException(method + ": student features " + student.getShape() + " and teacher features "
                    + teacher.getShape() + " must hold the same examples (first axis), but hold " + studentBatch
                    + " and " + teacherBatch);
        }
    }

    /** Each example's features as one row: {@code (b, …) → (b, n)}. */
    static NDArray flatten(NDArray features) {
        return features.reshape(features.getShape().get(0), -1);
    }

    /** Each row divided by its L2 norm (zero rows stay zero). */
    static NDArray normalizeRows(NDArray rows) {
        return rows.div(rows.norm(new int[]{rows.getShape().dimension() - 1}, true).maximum(EPSILON));
    }

    /** Huber's loss with δ = 1, element-wise: ½x² where |x| &lt; 1, |x| − ½ elsewhere. */
    static NDArray smoothL1(NDArray difference) {
        NDArray absolute = difference.abs();
        return NDArrays.where(absolute.lt(1f), difference.square().mul(0.5f), absolute.sub(0.5f));
    }

    /** A {@code size × size} matrix of ones with zeros on the diagonal: the ordered pairs of distinct examples. */
    static NDArray distinctPairs(NDManager manager, int size) {
        return manager.ones(new Shape(size, size)).sub(manager.eye(size));
    }
}

package io.kdstream.core.distill;

import java.util.List;

import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.SparseProbabilities;

/**
 * Reads a teacher's soft label as a dense probability vector at the trainer's temperature.
 *
 * <p>A distribution softened at temperature T is {@code softmax(z / T)}; raising it to the power {@code T / T'} and
 * renormalising gives {@code softmax(z / T')} exactly, so the trainer's temperature need not be the teacher's.
 */
public final class SoftTargets {

    /** How far the probabilities of a label may sum from 1 before the label is refused. */
    public static final double SUM_TOLERANCE = 1e-3;

    private SoftTargets() {
    }

    /**
     * The label's distribution, validated and re-tempered to {@code trainerTemperature}.
     *
     * @throws InvalidSoftLabelException on the wrong class count, non-finite or negative values, or a sum away from 1
     */
    public static float[] read(SoftLabel label, int expectedClasses, float trainerTemperature) {
        if (label.getClassCount() != expectedClasses) {
            throw new InvalidSoftLabelException("bad-class-count", "expected " + expectedClasses
                    + " classes but the label has " + label.getClassCount());
        }
        if (!(label.getTemperature() > 0) || !Float.isFinite(label.getTemperature())) {
            throw new InvalidSoftLabelException("bad-temperature", "temperature must be a positive number but is " + label.getTemperature());
        }
        float[] dense = label.getProbabilities() instanceof SparseProbabilities sparse
                ? densify(sparse, expectedClasses)
                : toArray(((DenseProbabilities) label.getProbabilities()).getValues(), expectedClasses);
        validate(dense);
        return retemper(dense, label.getTemperature(), trainerTemperature);
    }

    /** {@code p'_i ∝ p_i^(from/to)}: the same logits softened at {@code to} instead of {@code from}. */
    public static float[] retemper(float[] probabilities, float from, float to) {
        if (from == to) {
            return probabilities.clone();
        }
        double exponent = (double) from / to;
        double[] logs = new double[probabilities.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < probabilities.length; i++) {
            logs[i] = probabilities[i] > 0 ? exponent * Math.log(probabilities[i]) : Double.NEGATIVE_INFINITY;
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        for (int i = 0; i < logs.length; i++) {
            logs[i] = Math.exp(logs[i] - max);
            sum += logs[i];
        }
        float[] out = new float[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (logs[i] / sum);
        }
        return out;
    }

    /** Top-k probabilities with the tail mass shared evenly by the classes not listed. */
    static float[] densify(SparseProbabilities sparse, int classes) {
        List<Integer> indices = sparse.getIndices();
        List<Float> values = sparse.getValues();
        if (indices.size() != values.size() || indices.size() > classes) {
            throw new InvalidSoftLabelException("bad-sparse", "sparse label has " + indices.size() + " indices and "
                    + values.size() + " values for " + classes + " classes");
        }
        float[] dense = new float[classes];
        int unlisted = classes - indices.size();
        float tail = sparse.getTailMass();
        if (!Float.isFinite(tail) || tail < 0) {
            throw new InvalidSoftLabelException("not-finite", "tail mass is " + tail);
        }
        if (unlisted > 0) {
            java.util.Arrays.fill(dense, tail / unlisted);
        }
        for (int i = 0; i < indices.size(); i++) {
            int index = indices.get(i);
            if (index < 0 || index >= classes) {
                throw new InvalidSoftLabelException("bad-sparse", "class index " + index + " outside 0.." + (classes - 1));
            }
            dense[index] = values.get(i);
        }
        return dense;
    }

    private static float[] toArray(List<Float> values, int classes) {
        if (values.size() != classes) {
            throw new InvalidSoftLabelException("bad-class-count", "expected " + classes + " probabilities but found " + values.size());
        }
        float[] out = new float[classes];
        for (int i = 0; i < classes; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void validate(float[] probabilities) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            float p = probabilities[i];
            if (!Float.isFinite(p)) {
                throw new InvalidSoftLabelException("not-finite", "probability of class " + i + " is " + p);
            }
            if (p < 0) {
                throw new InvalidSoftLabelException("negative", "probability of class " + i + " is " + p);
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new InvalidSoftLabelException("bad-sum", "probabilities sum to " + sum + ", expected 1 ± " + SUM_TOLERANCE);
        }
    }
}

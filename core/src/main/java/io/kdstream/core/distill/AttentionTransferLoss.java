package io.kdstream.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Attention transfer (Zagoruyko &amp; Komodakis, "Paying More Attention to Attention", ICLR 2017): a convolution
 * block's spatial attention map is the channel mean of its activations' absolute values to the power p,
 * flattened and L2-normalised per example,
 *
 * <pre>
 *   Q(A) = vec(mean_c |A_c|^p) / ‖vec(mean_c |A_c|^p)‖₂        (p = 2 by default)
 *   L    = Σ_layers w_l · mean over the batch of ‖Q(A_s) − Q(A_t)‖₂²
 * </pre>
 *
 * Student and teacher may have different channel counts, but each layer pair must have the same spatial size:
 * maps of different sizes are refused rather than pooled to one, because pooling silently compares different
 * receptive fields; pick layers whose sizes agree. The authors' code also averages over the map's H·W positions
 * and weighs that by β = 1000, which is a weight of 1000 / (H·W) here.
 * Needs C×H×W features: an MLP student has no attention maps.
 */
public final class AttentionTransferLoss implements FeatureLoss {

    public static final float DEFAULT_POWER = 2f;

    private final float power;
    private final float[] layerWeights;

    /** p = 2 and one weight per layer pair, each finite and ≥ 0. */
    public AttentionTransferLoss(float... layerWeights) {
        this(DEFAULT_POWER, layerWeights);
    }

    public AttentionTransferLoss(float power, float[] layerWeights) {
        if (!(power > 0) || !Float.isFinite(power)) {
            throw new IllegalArgumentException("at: power p must be a positive number but is " + power);
        }
        if (layerWeights.length == 0) {
            throw new IllegalArgumentException("at: needs a weight for each layer pair, found none");
        }
        LossWeights weights = new LossWeights();
        for (int i = 0; i < layerWeights.length; i++) {
            weights.check("layer pair " + i, layerWeights[i]);
        }
        weights.throwIfAny("at");
        this.power = power;
        this.layerWeights = layerWeights.clone();
    }

    @Override
    public String method() {
        return "at";
    }

    @Override
    public NDArray evaluate(NDList student, NDList teacher, ParameterStore parameters, boolean training) {
        if (student.size() != layerWeights.length || teacher.size() != layerWeights.length) {
            throw new IllegalArgumentException("at: expected " + layerWeights.length + " layer pairs (one per weight) but found "
                    + student.size() + " student and " + teacher.size() + " teacher maps");
        }
        NDArray total = null;
        for (int layer = 0; layer < layerWeights.length; layer++) {
            NDArray studentMaps = student.get(layer);
            NDArray teacherMaps = teacher.get(layer);
            requireComparableMaps(layer, studentMaps, teacherMaps);
            NDArray distance = attentionMap(studentMaps).sub(attentionMap(teacherMaps)).square().sum(new int[]{1}).mean();
            NDArray weighted = distance.mul(layerWeights[layer]);
            total = total == null ? weighted : total.add(weighted);
        }
        return total;
    }

    /** {@code Q(A)}: the normalised attention map of a {@code (b, c, h, w)} batch, as {@code (b, h·w)}. */
    NDArray attentionMap(NDArray maps) {
        NDArray energy = power == 2f ? maps.square() : maps.abs().pow(power);
        return FeatureMath.normalizeRows(FeatureMath.flatten(energy.mean(new int[]{1})));
    }

    private void requireComparableMaps(int layer, NDArray studentMaps, NDArray teacherMaps) {
        Shape s = studentMaps.getShape();
        Shape t = teacherMaps.getShape();
        if (s.dimension() != 4 || t.dimension() != 4) {
            throw new IllegalArgumentException("at: layer pair " + layer + " needs (batch, channels, height, width) maps but found student "
                    + s + " and teacher " + t + "; an MLP has no attention maps");
        }
        FeatureMath.requireSameBatch(method(), studentMaps, teacherMaps);
        if (s.get(2) != t.get(2) || s.get(3) != t.get(3)) {
            throw new IllegalArgumentException("at: layer pair " + layer + " compares a " + s.get(2) + "x" + s.get(3)
                    + " student map with a " + t.get(2) + "x" + t.get(3) + " teacher map; the spatial sizes must be equal"
                    + " (maps are not pooled to one size), so pick layers whose sizes agree");
        }
    }
}

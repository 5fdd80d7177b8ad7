package io.kdstream.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The first layer of a {@code :norm} architecture: {@code (x − mean) / std} per feature, so raw features of very
 * different scales (an amount up to 500 beside a risk in 0..1) reach the first linear layer on a unit scale.
 *
 * <p>Why not batch norm: its statistics follow every batch, so the served transform would drift with the traffic and
 * training would see batch statistics while serving sees running ones. Here the statistics are the exact mean and
 * variance (Welford/Chan, in double precision) of the first {@value #ESTIMATED_FROM} training examples, then frozen:
 * while they are estimated each batch moves them by a share that shrinks as 1/n, and afterwards the layer is a fixed
 * affine map, so versions differ only by what they learned. Training and serving apply the same transform.
 *
 * <p>The statistics and the count of examples behind them are parameters (none takes gradients), so they travel in
 * the checkpoint's weights ({@link WeightsCodec}): the gateway serves raw inputs with no extra step, a resumed learner
 * goes on counting, and an exponential moving average of the weights averages them with the rest. A fresh layer is the
 * identity (mean 0, variance 1, count 0). A feature that did not vary is only centred, not scaled.
 *
 * <p>Updates happen in training forward passes only, on the host, and assume the learner trains on one device (the
 * parameter store then hands out the parameters' own arrays). Rows with a value that is not finite are not counted.
 */
public final class InputStandardisation extends AbstractBlock {

    /** Training examples whose statistics the layer keeps; later ones leave it unchanged. */
    public static final int ESTIMATED_FROM = 4096;

    private static final byte VERSION = 1;
    /** At or below this variance a feature counts as constant and is not scaled. */
    private static final float CONSTANT_VARIANCE = 1e-12f;

    private final int features;
    private final Parameter mean;
    private final Parameter variance;
    private final Parameter count;
    /** Set once the count is complete, so later training steps skip reading it back from the device. */
    private boolean frozen;

    public InputStandardisation(int features) {
        super(VERSION);
        this.features = features;
        this.mean = addParameter(Parameter.builder().setName("mean").setType(Parameter.Type.RUNNING_MEAN)
                .optShape(new Shape(features)).optRequiresGrad(false).build());
        this.variance = addParameter(Parameter.builder().setName("variance").setType(Parameter.Type.RUNNING_VAR)
                .optShape(new Shape(features)).optRequiresGrad(false).build());
        this.count = addParameter(Parameter.builder().setName("count").setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ZEROS).optShape(new Shape(1)).optRequiresGrad(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (training) {
            observe(x);
        }
        NDArray means = parameterStore.getValue(mean, x.getDevice(), training);
        NDArray variances = parameterStore.getValue(variance, x.getDevice(), training);
        NDArray constant = variances.lte(CONSTANT_VARIANCE).toType(DataType.FLOAT32, false);
        NDArray deviations = variances.sqrt().add(constant);
        return new NDList(x.sub(means).div(deviations));
    }

    /** Merges the batch's statistics into the stored ones (Chan et al.), until {@value #ESTIMATED_FROM} examples are in. */
    private void observe(NDArray x) {
        if (frozen) {
            return;
        }
        double n = count.getArray().toFloatArray()[0];
        if (n >= ESTIMATED_FROM) {
            frozen = true;
            return;
        }
        float[] values = x.toFloatArray();
        int rows = values.length / features;
        double[] batchMean = new double[features];
        double[] batchSquares = new double[features];
        int counted = 0;
        for (int row = 0; row < rows && n + counted < ESTIMATED_FROM; row++) {
            if (!finiteRow(values, row)) {
                continue;
            }
            counted++;
            for (int f = 0; f < features; f++) {
                // Welford within the batch
                double value = values[row * features + f];
                double delta = value - batchMean[f];
                batchMean[f] += delta / counted;
                batchSquares[f] += delta * (value - batchMean[f]);
            }
        }
        if (counted == 0) {
            return;
        }
        float[] storedMean = mean.getArray().toFloatArray();
        float[] storedVariance = variance.getArray().toFloatArray();
        double total = n + counted;
        float[] newMean = new float[features];
        float[] newVariance = new float[features];
        for (int f = 0; f < features; f++) {
            double delta = batchMean[f] - storedMean[f];
            double squares = storedVariance[f] * n + batchSquares[f] + delta * delta * n * counted / total;
            newMean[f] = (float) (storedMean[f] + delta * counted / total);
            newVariance[f] = (float) (squares / total);
        }
        mean.getArray().set(newMean);
        variance.getArray().set(newVariance);
        count.getArray().set(new float[]{(float) total});
    }

    private boolean finiteRow(float[] values, int row) {
        for (int f = 0; f < features; f++) {
            if (!Float.isFinite(values[row * features + f])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}

package io.kdstream.core.distill;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;

/**
 * The hint loss of FitNets (Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015): the student's hidden
 * features {@code v}, passed through a learned regressor {@code r}, should match the teacher's hint features
 * {@code u}:
 *
 * <pre>
 *   L = mean over the batch and the hint's elements of (r(v) − u)²
 * </pre>
 *
 * (the paper's ½‖u − r(v)‖² per example differs by the constant ½·n, which the term's weight absorbs). The regressor
 * is a {@link Linear} layer for vector features ({@link #forVectors}) or a 1×1 convolution for C×H×W maps
 * ({@link #forMaps}), whose spatial size must then already agree.
 *
 * <p><b>The regressor trains jointly with the student</b>, by the student's optimizer, from the first step. FitNets
 * trains it in a first stage (hint only, then KD), which needs a fixed data set and a point where stage one ends;
 * a stream has neither, and a student that stops learning its outputs during a stage would publish useless
 * checkpoints meanwhile. RepDistiller, too, trains its FitNets regressor jointly beside KD.
 */
public final class HintLoss implements FeatureLoss {

    private final Block regressor;

    private HintLoss(Block regressor) {
        this.regressor = regressor;
    }

    /** A hint on vector features (an embedding): the regressor is a linear layer to the teacher's width. */
    public static HintLoss forVectors(int teacherWidth) {
        return new HintLoss(Linear.builder().setUnits(positive(teacherWidth, "teacher width")).build());
    }

    /** A hint on C×H×W maps: the regressor is a 1×1 convolution to the teacher's channel count. */
    public static HintLoss forMaps(int teacherChannels) {
        return new HintLoss(Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(positive(teacherChannels, "teacher channels")).build());
    }

    @Override
    public String method() {
        return "fitnets";
    }

    /** The learned regressor from the student's hidden features to the teacher's hint. */
    public Block regressor() {
        return regressor;
    }

    @Override
    public List<Block> learnedBlocks() {
        return List.of(regressor);
    }

    /** Xavier weights and zero biases for a student feature batch of {@code studentFeatures} shape. */
    public void initialize(NDManager manager, Shape studentFeatures) {
        regressor.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        regressor.initialize(manager, DataType.FLOAT32, studentFeatures);
    }

    @Override
    public NDArray evaluate(NDList student, NDList teacher, ParameterStore parameters, boolean training) {
        FeatureMath.LayerPair pair = FeatureMath.onlyPair(method(), student, teacher);
        NDArray hidden = pair.student();
        NDArray hint = pair.teacher();
        NDArray projected = regressor.forward(parameters, new NDList(hidden), training).singletonOrThrow();
        if (!projected.getShape().equals(hint.getShape())) {
            throw new IllegalArgumentException(method() + ": the regressor maps student features " + hidden.getShape()
                    + " to " + projected.getShape() + " but the teacher's hint is " + hint.getShape());
        }
        return projected.sub(hint).square().mean();
    }

    private static int positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException("fitnets: " + what + " must be positive but is " + value);
        }
        return value;
    }
}

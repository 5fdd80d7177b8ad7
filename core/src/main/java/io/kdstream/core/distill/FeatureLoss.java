package io.kdstream.core.distill;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A distillation loss on the student's and the teacher's intermediate features of one batch, beside the response
 * loss on logits ({@link DistillationLoss}); {@link FeatureDistillationLoss} adds them up by weights.
 *
 * <p>Both lists hold one array per layer pair, in the same order, each with the batch as its first axis. Most
 * methods take one pair; attention transfer takes several. The result is a scalar averaged over the batch.
 */
public interface FeatureLoss {

    /** The method's short name ({@code fitnets}, {@code at}, {@code sp}, {@code rkd}, {@code crd}, {@code adversarial}), used in errors. */
    String method();

    /**
     * @param parameters where the loss's own learned blocks ({@link #learnedBlocks()}) read their parameters
     * @param training   true in a training step (a stateful loss updates its memory only then)
     * @throws IllegalArgumentException naming the method, the expected and the found shapes when the features do not fit
     */
    NDArray evaluate(NDList student, NDList teacher, ParameterStore parameters, boolean training);

    /**
     * Blocks with parameters that train jointly with the student (a FitNets regressor, CRD's projection heads):
     * the trainer must initialise them and give them to its optimizer. Empty for parameter-free losses.
     */
    default List<Block> learnedBlocks() {
        return List.of();
    }
}

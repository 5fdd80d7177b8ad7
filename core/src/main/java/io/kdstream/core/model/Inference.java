package io.kdstream.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** One forward pass of a block in inference mode, in a native-memory scope of its own. */
final class Inference {

    private Inference() {
    }

    /**
     * @param inputs row-major batch of {@code inputShape}
     * @return row-major {@code softmax(logits / temperature)}, or raw logits when {@code temperature} is NaN
     */
    static float[] forward(Block block, NDManager parent, Shape inputShape, float[] inputs, float temperature) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray x = scope.create(inputs, inputShape);
            NDArray logits = block.forward(new ParameterStore(scope, false), new NDList(x), false).singletonOrThrow();
            NDArray out = Float.isNaN(temperature) ? logits : logits.div(temperature).softmax(1);
            return out.toFloatArray();
        }
    }
}

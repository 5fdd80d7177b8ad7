package io.kdstream.core.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/** Evaluating feature losses on tiny batches the way a training step would, and setting a head's parameters by hand. */
final class FeatureLossTesting {

    private FeatureLossTesting() {
    }

    static float evaluate(FeatureLoss loss, NDArray student, NDArray teacher) {
        return loss.evaluate(new NDList(student), new NDList(teacher), new ParameterStore(student.getManager(), false), true).getFloat();
    }

    /** Sets a linear or convolution block's weight and bias to the given row-major values. */
    static void setParameters(Block block, float[] weight, float[] bias) {
        block.getParameters().get("weight").getArray().set(weight);
        block.getParameters().get("bias").getArray().set(bias);
    }

    /** Row-major identity weights for a square linear layer. */
    static float[] identity(int size) {
        float[] weight = new float[size * size];
        for (int i = 0; i < size; i++) {
            weight[i * size + i] = 1;
        }
        return weight;
    }

    /** Back-propagates the loss into the student's features and asserts every gradient is a finite number. */
    static void assertFiniteGradient(FeatureLoss loss, NDManager manager, float[] student, Shape studentShape, NDArray teacher) {
        NDArray features = manager.create(student, studentShape);
        features.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss.evaluate(new NDList(features), new NDList(teacher), new ParameterStore(manager, false), true);
            collector.backward(value);
        }
        for (float gradient : features.getGradient().toFloatArray()) {
            assertThat(gradient).isFinite();
        }
    }
}

package io.kdstream.core.model;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * A trained classifier ready for batched, thread-safe inference: inputs in, temperature-softened class
 * probabilities out. Each call works in its own native-memory scope, so concurrent callers do not interfere.
 */
public final class Classifier implements AutoCloseable {

    private final Model model;
    private final int inputSize;
    private final Shape exampleShape;
    private final int classes;

    private Classifier(Model model, int inputSize, Shape exampleShape, int classes) {
        this.model = model;
        this.inputSize = inputSize;
        this.exampleShape = exampleShape;
        this.classes = classes;
    }

    /**
     * Rebuilds a classifier from weights written by {@link WeightsCodec#encode}.
     *
     * @throws IllegalArgumentException when the bytes do not fit the architecture
     */
    public static Classifier fromWeights(Architecture architecture, byte[] weights, Device device) {
        Model model = Model.newInstance("classifier", device);
        Block block = architecture.newBlock();
        model.setBlock(block);
        try {
            block.initialize(model.getNDManager(), DataType.FLOAT32, architecture.inputShape(1));
            List<Shape> expected = parameterShapes(block);
            block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(weights)));
            // DJL adopts whatever shapes the bytes carry, so weights of another architecture would load silently.
            List<Shape> found = parameterShapes(block);
            if (!found.equals(expected)) {
                throw new IllegalArgumentException("parameter shapes " + found + " differ from the architecture's " + expected);
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("weights (" + weights.length + " bytes) do not fit architecture "
                    + architecture + ": " + e.getMessage(), e);
        }
        Shape example = architecture.inputShape(1).slice(1);
        return new Classifier(model, architecture.inputSize(), example, architecture.classes());
    }

    private static List<Shape> parameterShapes(Block block) {
        return block.getParameters().values().stream().map(parameter -> parameter.getArray().getShape()).toList();
    }

    /** Wraps an already loaded model (a TorchScript teacher, say) whose block maps {@code exampleShape} inputs to logits. */
    public static Classifier of(Model model, Shape exampleShape, int classes) {
        return new Classifier(model, (int) exampleShape.size(), exampleShape, classes);
    }

    public int inputSize() {
        return inputSize;
    }

    public int classes() {
        return classes;
    }

    /** Number of weights, batch-norm statistics included: the model's size for a compression ratio. */
    public long parameterCount() {
        return model.getBlock().getParameters().values().stream().mapToLong(parameter -> parameter.getArray().size()).sum();
    }

    /** {@code softmax(logits / temperature)} for {@code batch} examples laid out row-major in {@code inputs}. */
    public float[] probabilities(float[] inputs, int batch, float temperature) {
        return Inference.forward(model.getBlock(), model.getNDManager(), batchShape(inputs, batch), inputs, temperature);
    }

    /** Raw logits, row-major {@code (batch, classes)}. */
    public float[] logits(float[] inputs, int batch) {
        return Inference.forward(model.getBlock(), model.getNDManager(), batchShape(inputs, batch), inputs, Float.NaN);
    }

    private Shape batchShape(float[] inputs, int batch) {
        if (inputs.length != batch * inputSize) {
            throw new IllegalArgumentException("expected " + batch + " × " + inputSize + " inputs but found " + inputs.length);
        }
        return new Shape(batch).addAll(exampleShape);
    }

    @Override
    public void close() {
        model.close();
    }
}

package io.kdstream.trainer.training;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.WeightsCodec;

/**
 * An exponential moving average of a student's parameters (the "mean teacher"): after each student step,
 * {@code teacher = decay·teacher + (1 − decay)·student}. Averaging over many steps makes a steadier, usually
 * better model than the student itself, whose softened outputs then serve as the student's targets.
 */
final class EmaTeacher implements AutoCloseable {

    private final Architecture architecture;
    private final Model model;

    EmaTeacher(Architecture architecture, Device device, byte[] weights) {
        this.architecture = architecture;
        this.model = Model.newInstance("ema-teacher", device);
        Block block = architecture.newBlock();
        model.setBlock(block);
        try {
            block.initialize(model.getNDManager(), DataType.FLOAT32, architecture.inputShape(1));
            block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(weights)));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("EMA teacher weights do not fit architecture " + architecture + ": " + e.getMessage(), e);
        }
    }

    /** Moves every parameter (batch-norm running statistics included) towards the student's. */
    void follow(Block student, float decay) {
        ParameterList mine = model.getBlock().getParameters();
        ParameterList theirs = student.getParameters();
        for (int i = 0; i < mine.size(); i++) {
            NDArray average = mine.valueAt(i).getArray();
            try (NDArray share = theirs.valueAt(i).getArray().mul(1 - decay)) {
                average.muli(decay).addi(share);
            }
        }
    }

    float[] probabilities(float[] inputs, int batch, float temperature) {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray x = scope.create(inputs, architecture.inputShape(batch));
            NDArray logits = model.getBlock().forward(new ParameterStore(scope, false), new NDList(x), false).singletonOrThrow();
            return logits.div(temperature).softmax(1).toFloatArray();
        }
    }

    byte[] weights() {
        return WeightsCodec.encode(model.getBlock());
    }

    @Override
    public void close() {
        model.close();
    }
}

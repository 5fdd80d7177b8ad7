package io.kdstream.core.training;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.WeightsCodec;

/**
 * A classifier under training: one {@link #step} is one optimizer update on a batch with the distillation loss.
 *
 * <p>Not thread-safe: one thread trains. Native memory of each step lives in its own scope and is freed when the
 * step ends.
 */
public final class Learner implements AutoCloseable {

    /**
     * DJL's PyTorch engine allows one gradient collector at a time in the whole JVM, so learners training on
     * different threads (two trainers in one process, say) take turns for the forward-backward pass.
     */
    private static final Object GRADIENT_COLLECTION = new Object();

    private final Architecture architecture;
    private final Model model;
    private final Trainer trainer;
    private final DistillationLoss loss;
    private final float gradientClipNorm;
    private long steps;
    /** Set when a backward pass left non-finite gradients behind: no later step can be trusted. */
    private boolean poisoned;
    private double lastGradientNorm = Double.NaN;

    /**
     * @param initialWeights weights to start from (a checkpoint to resume), or null for a fresh Xavier initialisation
     */
    public Learner(Architecture architecture, Device device, DistillationLoss loss, OptimizerSettings optimizer,
                   byte[] initialWeights) {
        this(architecture, device, loss, optimizer, initialWeights, 0f);
    }

    /**
     * @param initialWeights   weights to start from, or null for a fresh Xavier initialisation
     * @param gradientClipNorm the largest L2 norm of all gradients together; a step whose gradients are longer is
     *                         scaled down to it (one outlier batch then moves the weights no further than a normal
     *                         one). 0 turns clipping off.
     */
    public Learner(Architecture architecture, Device device, DistillationLoss loss, OptimizerSettings optimizer,
                   byte[] initialWeights, float gradientClipNorm) {
        if (!(gradientClipNorm >= 0)) {
            throw new IllegalArgumentException("gradient clip norm must be >= 0 but is " + gradientClipNorm);
        }
        this.architecture = architecture;
        this.loss = loss;
        this.gradientClipNorm = gradientClipNorm;
        this.model = Model.newInstance("learner-" + architecture.kind(), device);
        model.setBlock(architecture.newBlock());
        if (initialWeights != null) {
            // Loaded parameters count as initialised, so the trainer below keeps them and only attaches gradients.
            load(initialWeights);
        }
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer.build())
                .optDevices(new Device[]{device})
                .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        this.trainer = model.newTrainer(config);
        trainer.initialize(architecture.inputShape(1));
    }

    public Architecture architecture() {
        return architecture;
    }

    public DistillationLoss loss() {
        return loss;
    }

    /**
     * The block under training, for readers that mirror its parameters (an exponential-moving-average teacher, say).
     * Only {@link #step} may change it.
     */
    public Block block() {
        return model.getBlock();
    }

    /** Optimizer updates made so far. */
    public long steps() {
        return steps;
    }

    /**
     * One optimizer update. A batch whose loss is not finite changes nothing: its gradients are not computed and the
     * weights are not updated. A finite loss whose gradients are not finite leaves them unusable: the weights are not
     * updated, {@link #healthy} turns false and the learner must be replaced.
     *
     * @param inputs      row-major batch, {@code batch × inputSize} values on the [0, 1] scale
     * @param teacher     row-major teacher probabilities at the loss's temperature, {@code batch × classes}
     * @param trueLabels  the true class per example, or −1 where unknown
     * @return the batch's mean loss, NaN or infinite when the step was skipped
     */
    public float step(float[] inputs, int batch, float[] teacher, int[] trueLabels) {
        if (poisoned) {
            throw new IllegalStateException("this learner holds non-finite gradients: replace it");
        }
        int classes = architecture.classes();
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = trueLabels[i];
        }
        float value;
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray x = scope.create(inputs, architecture.inputShape(batch));
            NDList targets = new NDList(scope.create(teacher, new Shape(batch, classes)), scope.create(labels, new Shape(batch)));
            synchronized (GRADIENT_COLLECTION) {
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList predictions = trainer.forward(new NDList(x));
                    NDArray batchLoss = loss.evaluate(targets, predictions);
                    value = batchLoss.getFloat();
                    if (!Float.isFinite(value)) {
                        return value;
                    }
                    collector.backward(batchLoss);
                }
            }
            if (gradientClipNorm > 0 && !clipGradients()) {
                poisoned = true;
                return Float.NaN;
            }
            trainer.step();
        }
        steps++;
        return value;
    }

    /**
     * Scales every gradient by {@code gradientClipNorm / norm} when their joint L2 norm exceeds the limit.
     *
     * @return false when the norm is not finite (nothing was scaled)
     */
    private boolean clipGradients() {
        List<NDArray> gradients = new ArrayList<>();
        try {
            double sumOfSquares = 0;
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                if (!parameter.getValue().requiresGradient()) {
                    continue;
                }
                // A view of the parameter's gradient storage: scaling it in place scales what the optimizer reads.
                NDArray gradient = parameter.getValue().getArray().getGradient();
                gradients.add(gradient);
                try (NDArray squares = gradient.square(); NDArray sum = squares.sum()) {
                    sumOfSquares += sum.getFloat();
                }
            }
            double norm = Math.sqrt(sumOfSquares);
            lastGradientNorm = norm;
            if (!Double.isFinite(norm)) {
                return false;
            }
            if (norm > gradientClipNorm) {
                float scale = (float) (gradientClipNorm / norm);
                gradients.forEach(gradient -> gradient.muli(scale));
            }
            return true;
        } finally {
            gradients.forEach(NDArray::close);
        }
    }

    /** The joint L2 norm of the gradients of the newest step, before clipping; NaN when clipping is off. */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    /** False once the gradients or any weight (batch-norm statistics included) is NaN or infinite. */
    public boolean healthy() {
        if (poisoned) {
            return false;
        }
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            try (NDArray magnitudes = parameter.getValue().getArray().abs(); NDArray sum = magnitudes.sum()) {
                if (!Float.isFinite(sum.getFloat())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Probabilities of the current weights in inference mode (dropout off, batch-norm running statistics). */
    public float[] probabilities(float[] inputs, int batch, float temperature) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray x = scope.create(inputs, architecture.inputShape(batch));
            NDArray logits = model.getBlock().forward(new ai.djl.training.ParameterStore(scope, false), new NDList(x), false)
                    .singletonOrThrow();
            return logits.div(temperature).softmax(1).toFloatArray();
        }
    }

    /** The current weights in {@value WeightsCodec#FORMAT}. */
    public byte[] weights() {
        return WeightsCodec.encode(model.getBlock());
    }

    /** An independent inference copy of the current weights. */
    public Classifier snapshot(Device device) {
        return Classifier.fromWeights(architecture, weights(), device);
    }

    private void load(byte[] weights) {
        try {
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, architecture.inputShape(1));
            model.getBlock().loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(weights)));
        } catch (IOException | MalformedModelException e) {
            throw new IllegalArgumentException("weights do not fit architecture " + architecture + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}

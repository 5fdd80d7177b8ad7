package io.kdstream.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;

/**
 * A classifier architecture described by a spec string that travels in every checkpoint manifest.
 *
 * <ul>
 *   <li>{@code mlp:784-96-10} — a multilayer perceptron: input size, hidden sizes, class count; ReLU between layers.</li>
 *   <li>{@code cnn:28x28-32-64-256-10} — two 3×3 convolution blocks (convolution, batch norm, ReLU, 2×2 max pool)
 *       with 32 and 64 channels over a 28×28 single-channel image, a 256-unit hidden layer, 10 classes;
 *       {@code cnn:3x32x32-32-64-256-10} takes three-channel 32×32 images.</li>
 * </ul>
 * A suffix {@code :dropout=0.3} adds dropout before each hidden linear layer's output during training. A suffix
 * {@code :norm} (MLPs only, e.g. {@code mlp:16-96-5:norm}) starts the block with an {@link InputStandardisation}, whose
 * statistics are estimated from the training examples and saved with the weights, so raw features of any scale can be
 * trained on and served as they are. Specs without it load as before.
 * {@link #teacherFor} and {@link #studentFor} give the defaults for any {@link TaskContract}.
 *
 * @param norm whether the block standardises its inputs first (the {@code :norm} option)
 */
public record Architecture(String kind, int[] layers, int channels, int height, int width, float dropout, boolean norm) {

    /** The option that adds input standardisation. */
    public static final String NORM = "norm";

    public static final Architecture FASHION_TEACHER = parse("cnn:28x28-32-64-256-10:dropout=0.3");
    public static final Architecture FASHION_STUDENT = parse("mlp:784-96-10");

    /** @throws IllegalArgumentException naming the part of the spec that is wrong and the expected form */
    public static Architecture parse(String spec) {
        String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
        if (parts.length < 2 || parts.length > 4) {
            throw new IllegalArgumentException("architecture '" + spec + "' must look like mlp:784-96-10[:dropout=0.3][:norm] "
                    + "or cnn:[C]x28x28-32-64-256-10[:dropout=0.3]");
        }
        Float dropout = null;
        boolean norm = false;
        for (int i = 2; i < parts.length; i++) {
            if (parts[i].equals(NORM) && !norm) {
                norm = true;
            } else if (parts[i].startsWith("dropout=") && dropout == null) {
                dropout = dropout(spec, parts[i].substring("dropout=".length()));
            } else {
                throw new IllegalArgumentException("architecture '" + spec + "': unknown or repeated option '" + parts[i]
                        + "', expected " + NORM + " or dropout=<0..1>, each at most once");
            }
        }
        String[] sizes = parts[1].split("-");
        switch (parts[0]) {
            case "mlp" -> {
                int[] layers = positive(spec, sizes, 0);
                if (layers.length < 2) {
                    throw new IllegalArgumentException("architecture '" + spec + "': an mlp needs an input size and a class count");
                }
                return new Architecture("mlp", layers, 0, 0, 0, dropout == null ? 0 : dropout, norm);
            }
            case "cnn" -> {
                String[] image = sizes[0].split("x");
                if (image.length < 2 || image.length > 3 || sizes.length != 5) {
                    throw new IllegalArgumentException("architecture '" + spec + "': a cnn spec is [C]xHxW-c1-c2-hidden-classes, "
                            + "e.g. cnn:28x28-32-64-256-10 or cnn:3x32x32-32-64-256-10");
                }
                if (norm) {
                    throw new IllegalArgumentException("architecture '" + spec + "': option " + NORM + " is for mlp only "
                            + "(a cnn's images are on a fixed scale and its batch norm layers standardise them)");
                }
                int[] dims = positive(spec, image, 0);
                int channels = dims.length == 3 ? dims[0] : 1;
                int height = dims[dims.length - 2];
                int width = dims[dims.length - 1];
                if (height % 4 != 0 || width % 4 != 0) {
                    throw new IllegalArgumentException("architecture '" + spec + "': image sides must be multiples of 4 (two 2x2 pools)");
                }
                return new Architecture("cnn", positive(spec, sizes, 1), channels, height, width, dropout == null ? 0 : dropout, false);
            }
            default -> throw new IllegalArgumentException("architecture '" + spec + "': unknown kind '" + parts[0] + "', expected mlp or cnn");
        }
    }

    private static float dropout(String spec, String value) {
        float dropout;
        try {
            dropout = Float.parseFloat(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("architecture '" + spec + "': dropout '" + value + "' is not a number");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("architecture '" + spec + "': dropout must be in [0, 1) but is " + dropout);
        }
        return dropout;
    }

    /** Elements of one input example. */
    public int inputSize() {
        return kind.equals("mlp") ? layers[0] : channels * height * width;
    }

    public int classes() {
        return layers[layers.length - 1];
    }

    /** The shape of a batch the block takes: flat vectors for an MLP, C×H×W images for a CNN. */
    public Shape inputShape(int batch) {
        return kind.equals("mlp") ? new Shape(batch, layers[0]) : new Shape(batch, channels, height, width);
    }

    /**
     * Why this architecture cannot serve {@code task}, or {@code null} when it can: the input size and class count
     * must match, and a CNN needs the task's images to be exactly its channels, height and width.
     */
    public String mismatchWith(TaskContract task) {
        if (inputSize() != task.inputSize() || classes() != task.classCount()) {
            return "architecture " + spec() + " takes " + inputSize() + " inputs and gives " + classes()
                    + " classes, but task " + task.name() + " has " + task.inputSize() + " inputs (" + task.inputDescription()
                    + ") and " + task.classCount() + " classes";
        }
        if (kind.equals("cnn") && !(task.isImage() && task.shape().equals(List.of(channels, height, width)))) {
            return "architecture " + spec() + " takes " + channels + "x" + height + "x" + width + " images, but task "
                    + task.name() + " inputs are " + task.inputDescription();
        }
        return null;
    }

    /** @throws IllegalArgumentException saying why the architecture does not fit the task */
    public Architecture requireFits(TaskContract task) {
        String mismatch = mismatchWith(task);
        if (mismatch != null) {
            throw new IllegalArgumentException(mismatch);
        }
        return this;
    }

    /**
     * The reference teacher for a task: the CNN for images whose sides two 2×2 pools divide (for Fashion-MNIST the
     * {@link #FASHION_TEACHER}), otherwise a two-hidden-layer MLP with dropout, standardising its inputs when they are
     * float features ({@link #normFor}).
     */
    public static Architecture teacherFor(TaskContract task) {
        if (task.isImage() && task.shape().get(1) % 4 == 0 && task.shape().get(2) % 4 == 0) {
            return parse("cnn:" + task.shape().get(0) + "x" + task.shape().get(1) + "x" + task.shape().get(2)
                    + "-32-64-256-" + task.classCount() + ":dropout=0.3");
        }
        return parse("mlp:" + task.inputSize() + "-256-128-" + task.classCount() + ":dropout=0.1" + normFor(task));
    }

    /**
     * The default student for a task: an MLP over the flattened input with one hidden layer of 96 units, standardising
     * its inputs when they are float features ({@link #normFor}), e.g. {@code mlp:16-96-5:norm}.
     */
    public static Architecture studentFor(TaskContract task) {
        return parse("mlp:" + task.inputSize() + "-96-" + task.classCount() + normFor(task));
    }

    /**
     * {@code :norm} for FLOAT32 tasks that are not images: their features come on whatever scale the user's data has.
     * Byte inputs (Fashion-MNIST and other images) already arrive on the [low, high] scale of the task.
     */
    private static String normFor(TaskContract task) {
        return task.dtype() == DType.FLOAT32 && !task.isImage() ? ":" + NORM : "";
    }

    /**
     * Trainable parameters, computed from the spec (batch norm's running statistics and the input standardisation's
     * statistics are not counted).
     */
    public long parameterCount() {
        long count = 0;
        if (kind.equals("mlp")) {
            for (int i = 1; i < layers.length; i++) {
                count += (long) layers[i - 1] * layers[i] + layers[i];
            }
            return count;
        }
        int c1 = layers[0];
        int c2 = layers[1];
        int hidden = layers[2];
        count += 9L * channels * c1 + c1 + 2L * c1;
        count += 9L * c1 * c2 + c2 + 2L * c2;
        long flat = (long) c2 * (height / 4) * (width / 4);
        count += flat * hidden + hidden;
        count += (long) hidden * classes() + classes();
        return count;
    }

    /**
     * Floating-point operations of one example's forward pass, counting a multiply-add as two: the convolutions and
     * linear layers only (batch norm, ReLU, pooling and softmax add well under 1 %). A training step costs about three
     * times this: the forward pass, then the gradients of each layer's input and of its weights.
     */
    public long forwardFlops() {
        long macs = 0;
        if (kind.equals("mlp")) {
            for (int i = 1; i < layers.length; i++) {
                macs += (long) layers[i - 1] * layers[i];
            }
            return 2 * macs;
        }
        int c1 = layers[0];
        int c2 = layers[1];
        int hidden = layers[2];
        // 3x3 convolutions with padding 1 keep each side; each 2x2 pool halves it.
        macs += 9L * channels * c1 * height * width;
        macs += 9L * c1 * c2 * (height / 2) * (width / 2);
        macs += (long) c2 * (height / 4) * (width / 4) * hidden;
        macs += (long) hidden * classes();
        return 2 * macs;
    }

    /** A fresh, uninitialised block for this architecture that outputs logits. */
    public Block newBlock() {
        SequentialBlock block = new SequentialBlock();
        if (kind.equals("mlp")) {
            block.add(Blocks.batchFlattenBlock(layers[0]));
            if (norm) {
                block.add(new InputStandardisation(layers[0]));
            }
            for (int i = 1; i < layers.length - 1; i++) {
                block.add(Linear.builder().setUnits(layers[i]).build()).add(Activation.reluBlock());
                addDropout(block);
            }
            block.add(Linear.builder().setUnits(classes()).build());
            return block;
        }
        for (int c = 0; c < 2; c++) {
            block.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(layers[c]).build())
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        block.add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(layers[2]).build())
                .add(Activation.reluBlock());
        addDropout(block);
        block.add(Linear.builder().setUnits(classes()).build());
        return block;
    }

    /** The canonical spec string, which {@link #parse} reads back. */
    public String spec() {
        StringBuilder spec = new StringBuilder(kind).append(':');
        List<String> parts = new ArrayList<>();
        if (kind.equals("cnn")) {
            parts.add((channels == 1 ? "" : channels + "x") + height + "x" + width);
        }
        Arrays.stream(layers).forEach(size -> parts.add(String.valueOf(size)));
        spec.append(String.join("-", parts));
        if (dropout > 0) {
            spec.append(":dropout=").append(dropout);
        }
        if (norm) {
            spec.append(':').append(NORM);
        }
        return spec.toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Architecture that && spec().equals(that.spec());
    }

    @Override
    public int hashCode() {
        return spec().hashCode();
    }

    private void addDropout(SequentialBlock block) {
        if (dropout > 0) {
            block.add(Dropout.builder().optRate(dropout).build());
        }
    }

    private static int[] positive(String spec, String[] values, int from) {
        int[] out = new int[values.length - from];
        for (int i = from; i < values.length; i++) {
            try {
                out[i - from] = Integer.parseInt(values[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("architecture '" + spec + "': '" + values[i] + "' is not a whole number");
            }
            if (out[i - from] <= 0) {
                throw new IllegalArgumentException("architecture '" + spec + "': sizes must be positive but found " + values[i]);
            }
        }
        return out;
    }
}

package io.kdstream.gateway.testing;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.djl.Device;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;

/**
 * Small real checkpoints for the gateway's tests: a tiny MLP trained for a few steps on a Fashion-MNIST slice, and
 * one for the tabular task ({@link BuiltInTasks#TABULAR_RBF}: 16 named features, 5 classes) trained on a seeded
 * linear rule, so every route is tested on a task whose shape and class count differ from Fashion-MNIST's.
 */
public final class TestCheckpoints {

    public static final Architecture ARCHITECTURE = Architecture.parse("mlp:784-16-10");
    public static final int INPUT_SIZE = 784;
    public static final TaskContract TABULAR = BuiltInTasks.TABULAR_RBF;
    public static final Architecture TABULAR_ARCHITECTURE = Architecture.parse("mlp:16-12-5");

    private static byte[] trained;
    private static byte[] tabularTrained;

    private TestCheckpoints() {
    }

    /** Weights of the tiny MLP after a few optimizer steps (trained once per JVM). */
    public static synchronized byte[] trainedWeights() {
        if (trained == null) {
            trained = train(ARCHITECTURE, 8);
        }
        return trained.clone();
    }

    /** Weights of the tabular MLP after a few optimizer steps (trained once per JVM). */
    public static synchronized byte[] tabularWeights() {
        if (tabularTrained == null) {
            tabularTrained = trainTabular(8);
        }
        return tabularTrained.clone();
    }

    /** A standard normal tabular input, seeded. */
    public static float[] tabularInput(long seed) {
        Random random = new Random(seed);
        float[] input = new float[TABULAR.inputSize()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        return input;
    }

    /** Writes example {@code index}'s input at {@code offset} of {@code inputs} and returns its label. */
    @FunctionalInterface
    private interface Examples {
        int write(int index, float[] inputs, int offset);
    }

    /** A seeded rule on the first two features, so the tabular MLP has something to learn. */
    private static byte[] trainTabular(int steps) {
        int size = TABULAR.inputSize();
        return train(TABULAR_ARCHITECTURE, steps, (index, inputs, offset) -> {
            float[] input = tabularInput(index);
            System.arraycopy(input, 0, inputs, offset, size);
            return Math.floorMod((int) Math.floor(input[0] + input[1] * 2), TABULAR.classCount());
        });
    }

    /** A manifest of the tabular MLP carrying the tabular task. */
    public static Checkpoint tabularManifest(String model, long version, byte[] weights, float agreement) {
        return Checkpoint.newBuilder(manifest(model, version, weights, agreement))
                .setArchitecture(TABULAR_ARCHITECTURE.spec())
                .setTask(TABULAR.toAvro())
                .build();
    }

    public static byte[] train(Architecture architecture, int steps) {
        LabeledImages images = FashionSlices.train(64 * steps);
        return train(architecture, steps, (index, inputs, offset) -> {
            images.writeUnitFloats(index, inputs, offset);
            return images.labels()[index];
        });
    }

    private static byte[] train(Architecture architecture, int steps, Examples examples) {
        int size = architecture.inputSize();
        int classes = architecture.classes();
        try (Learner learner = new Learner(architecture, Device.cpu(), new DistillationLoss(1f, 0.5f), OptimizerSettings.DEFAULT, null)) {
            for (int step = 0; step < steps; step++) {
                float[] inputs = new float[64 * size];
                float[] teacher = new float[64 * classes];
                int[] labels = new int[64];
                for (int i = 0; i < 64; i++) {
                    labels[i] = examples.write(step * 64 + i, inputs, i * size);
                    teacher[i * classes + labels[i]] = 1f;
                }
                learner.step(inputs, 64, teacher, labels);
            }
            return learner.weights();
        }
    }

    /**
     * Good weights whose last parameter (the output bias, stored last) is overwritten with all-ones bits, a NaN in
     * either byte order: they load, but every output is NaN.
     */
    public static byte[] nanWeights() {
        byte[] weights = trainedWeights();
        Arrays.fill(weights, weights.length - 4 * ARCHITECTURE.classes(), weights.length, (byte) 0xFF);
        return weights;
    }

    /** One test image on the [0, 1] scale. */
    public static float[] image(int index) {
        float[] image = new float[INPUT_SIZE];
        FashionSlices.test(index + 1).writeUnitFloats(index, image, 0);
        return image;
    }

    public static Checkpoint manifest(String model, long version, byte[] weights, float agreement) {
        return manifest(model, version, weights, agreement, WeightsCodec.sha256(weights), 1);
    }

    public static Checkpoint manifest(String model, long version, byte[] weights, float agreement, String sha256, int chunkCount) {
        return Checkpoint.newBuilder()
                .setModel(model)
                .setVersion(version)
                .setParentVersion(version > 1 ? version - 1 : null)
                .setCreatedTime(Instant.now())
                .setFormat(WeightsCodec.FORMAT)
                .setArchitecture(ARCHITECTURE.spec())
                .setSha256(sha256)
                .setSizeBytes(weights.length)
                .setChunkCount(chunkCount)
                .setLineage(Lineage.newBuilder().setSamplesSeen(64L * version).setOffsets(List.of()).build())
                .setHoldout(HoldoutScores.newBuilder().setExamples(200).setAgreement(agreement).setKl(0.3f).setAccuracy(null).build())
                .build();
    }
}

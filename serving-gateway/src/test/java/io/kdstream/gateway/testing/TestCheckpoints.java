package io.kdstream.gateway.testing;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;

/** Small real checkpoints for the gateway's tests: a tiny MLP trained for a few steps on a Fashion-MNIST slice. */
public final class TestCheckpoints {

    public static final Architecture ARCHITECTURE = Architecture.parse("mlp:784-16-10");
    public static final int INPUT_SIZE = 784;

    private static byte[] trained;

    private TestCheckpoints() {
    }

    /** Weights of the tiny MLP after a few optimizer steps (trained once per JVM). */
    public static synchronized byte[] trainedWeights() {
        if (trained == null) {
            trained = train(ARCHITECTURE, 8);
        }
        return trained.clone();
    }

    public static byte[] train(Architecture architecture, int steps) {
        LabeledImages images = FashionSlices.train(64 * steps);
        int classes = architecture.classes();
        try (Learner learner = new Learner(architecture, Device.cpu(), new DistillationLoss(1f, 0.5f), OptimizerSettings.DEFAULT, null)) {
            for (int step = 0; step < steps; step++) {
                float[] inputs = new float[64 * INPUT_SIZE];
                float[] teacher = new float[64 * classes];
                int[] labels = new int[64];
                for (int i = 0; i < 64; i++) {
                    int index = step * 64 + i;
                    images.writeUnitFloats(index, inputs, i * INPUT_SIZE);
                    labels[i] = images.labels()[index];
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

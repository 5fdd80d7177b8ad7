package io.kdstream.monitor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.Prediction;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.Tensor;
import io.kdstream.schemas.serde.Codecs;

/** Encoded input records for the monitor's tests, as the gateway, teacher, clients and trainer write them. */
public final class MonitorRecords {

    private MonitorRecords() {
    }

    public static byte[] key(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] prediction(String requestId, Instant time, long modelVersion, float... probabilities) {
        int top = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[top]) {
                top = i;
            }
        }
        return Codecs.PREDICTION.encode(Prediction.newBuilder().setRequestId(requestId).setTime(time).setModel("student")
                .setModelVersion(modelVersion).setProbabilities(floats(probabilities)).setTopClass(top).setLatencyMs(1f).build());
    }

    /** A soft label softened at {@code temperature}, with the true label or null. */
    public static byte[] softLabel(String requestId, Instant time, float temperature, Integer trueLabel, float... probabilities) {
        return Codecs.SOFT_LABEL.encode(SoftLabel.newBuilder().setRequestId(requestId).setEventTime(time)
                .setLabelledTime(time).setInput(image()).setTeacherId("teacher").setTeacherVersion("1")
                .setTemperature(temperature).setClassCount(probabilities.length)
                .setProbabilities(new DenseProbabilities(floats(probabilities))).setTrueLabel(trueLabel).build());
    }

    /** A T = 1 soft label without a true label for {@code input}. */
    public static byte[] softLabel(String requestId, Instant time, Tensor input, float... probabilities) {
        SoftLabel label = Codecs.SOFT_LABEL.decode(softLabel(requestId, time, 1f, null, probabilities));
        label.setInput(input);
        return Codecs.SOFT_LABEL.encode(label);
    }

    /**
     * Writes a task file into {@code dir}: 28x28 greyscale images (the shape of every soft label made here) in three
     * classes, and returns its path.
     */
    public static Path threeClassTask(Path dir) {
        try {
            return Files.writeString(dir.resolve("three.task.json"), """
                    {"name": "three", "input": {"dtype": "uint8", "shape": [1, 28, 28]}, "classes": ["a", "b", "c"]}""");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A T = 1 soft label whose top class is {@code topClass}: 0.5 there, the rest shared evenly. */
    public static byte[] softLabelOfClass(String requestId, Instant time, int topClass, int classes) {
        float[] probabilities = new float[classes];
        for (int i = 0; i < classes; i++) {
            probabilities[i] = i == topClass ? 0.5f : 0.5f / (classes - 1);
        }
        return softLabel(requestId, time, 1f, null, probabilities);
    }

    public static byte[] groundTruth(String requestId, Instant time, int label) {
        return Codecs.GROUND_TRUTH.encode(GroundTruth.newBuilder().setRequestId(requestId).setTime(time).setLabel(label).build());
    }

    public static byte[] manifestKey(long version) {
        return Codecs.CHECKPOINT_KEY.encode(new CheckpointKey("student", version, -1));
    }

    public static byte[] chunkKey(long version, int chunk) {
        return Codecs.CHECKPOINT_KEY.encode(new CheckpointKey("student", version, chunk));
    }

    public static byte[] manifest(long version, Instant created, Instant eventTimeMax) {
        return Codecs.CHECKPOINT.encode(Checkpoint.newBuilder().setModel("student").setVersion(version)
                .setCreatedTime(created).setFormat("djl-params-v1").setArchitecture("mlp:784-32-10").setSha256("00")
                .setSizeBytes(1).setChunkCount(1)
                .setLineage(Lineage.newBuilder().setSamplesSeen(10).setOffsets(List.of())
                        .setEventTimeMax(eventTimeMax == null ? null : eventTimeMax.toEpochMilli()).build())
                .setHoldout(HoldoutScores.newBuilder().setExamples(0).setAgreement(1f).setKl(0f).build())
                .build());
    }

    private static Tensor image() {
        return Tensor.newBuilder().setDtype(DType.UINT8).setShape(List.of(1, 28, 28)).setData(ByteBuffer.wrap(new byte[784])).build();
    }

    private static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float value : values) {
            list.add(value);
        }
        return list;
    }
}

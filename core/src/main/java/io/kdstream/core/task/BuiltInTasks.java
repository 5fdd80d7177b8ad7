package io.kdstream.core.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.kdstream.schemas.DType;

/**
 * The tasks kd-stream knows by name, so a demo or a test needs no task file: Fashion-MNIST images and a synthetic
 * tabular stream with named features.
 */
public final class BuiltInTasks {

    /** Fashion-MNIST: 28×28 greyscale images as bytes, read by the model on [0, 1], ten kinds of clothing. */
    public static final TaskContract FASHION_MNIST = new TaskContract("fashion-mnist", DType.UINT8, List.of(1, 28, 28),
            0f, 1f, List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"), List.of());

    /** Features of {@link #TABULAR_RBF}. */
    public static final int TABULAR_FEATURES = 16;

    /**
     * A seeded random-RBF stream (in the manner of MOA's RandomRBFGenerator): {@value #TABULAR_FEATURES} float
     * features, unbounded, named {@code x00} … {@code x15}, and five classes; a seeded generator in the data package
     * makes its examples. Its shape and class count differ from Fashion-MNIST's on purpose, so it exercises every stage's
     * generality.
     */
    public static final TaskContract TABULAR_RBF = new TaskContract("tabular-rbf", DType.FLOAT32,
            List.of(TABULAR_FEATURES), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            List.of("alpha", "beta", "gamma", "delta", "epsilon"), featureNames(TABULAR_FEATURES));

    private static final Map<String, TaskContract> BY_NAME = new TreeMap<>(Map.of(
            FASHION_MNIST.name(), FASHION_MNIST,
            TABULAR_RBF.name(), TABULAR_RBF));

    private BuiltInTasks() {
    }

    public static Optional<TaskContract> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The names, sorted, for help texts and errors. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    private static List<String> featureNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(String.format("x%02d", i));
        }
        return names;
    }
}

package io.kdstream.core.testing;

import java.util.Random;

import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;

/**
 * Seeded examples of {@link BuiltInTasks#TABULAR_RBF} for tests: one Gaussian blob per class around a fixed centroid,
 * far enough apart that a small MLP learns them in a few epochs. A stand-in until the task's own random-RBF generator
 * lands in core/data; the centroids are the same for every seed, so train and test slices share one concept.
 */
public final class TabularSlices {

    private static final long CENTROID_SEED = 20_261_202L;
    private static final float SPREAD = 0.8f;

    private TabularSlices() {
    }

    /** {@code n} examples, classes in turn, the noise drawn from {@code seed}. */
    public static LabeledVectors sample(int n, long seed) {
        TaskContract task = BuiltInTasks.TABULAR_RBF;
        int features = task.inputSize();
        float[][] centroids = new float[task.classCount()][features];
        Random centroidRandom = new Random(CENTROID_SEED);
        for (float[] centroid : centroids) {
            for (int f = 0; f < features; f++) {
                centroid[f] = (float) centroidRandom.nextGaussian();
            }
        }
        Random noise = new Random(seed);
        float[] values = new float[n * features];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % task.classCount();
            for (int f = 0; f < features; f++) {
                values[i * features + f] = centroids[labels[i]][f] + SPREAD * (float) noise.nextGaussian();
            }
        }
        return new LabeledVectors(task, values, labels);
    }
}

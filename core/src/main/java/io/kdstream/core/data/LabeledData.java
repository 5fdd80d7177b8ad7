package io.kdstream.core.data;

import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.Tensor;

/**
 * Labelled examples of one task held in memory: what a reference teacher trains and is scored on, and what replay
 * and the benchmarks stream. Images keep their bytes ({@link LabeledImages}), vectors their floats
 * ({@link LabeledVectors}); both answer on the model's scale and in the wire form their task declares.
 */
public interface LabeledData {

    /** The contract every example fits. */
    TaskContract task();

    int count();

    /** The true class of example {@code index}, an index into the task's class names. */
    int label(int index);

    /** Example {@code index} on the model's scale, written into {@code target} from {@code offset}. */
    void writeInput(int index, float[] target, int offset);

    /** Example {@code index} as it travels on kd-traffic. */
    Tensor tensor(int index);

    /** The first {@code n} examples (or all when fewer). */
    LabeledData head(int n);

    /** Example {@code index} on the model's scale. */
    default float[] input(int index) {
        float[] input = new float[task().inputSize()];
        writeInput(index, input, 0);
        return input;
    }

    /** All true labels, in order. */
    default int[] labels() {
        int[] labels = new int[count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = label(i);
        }
        return labels;
    }
}

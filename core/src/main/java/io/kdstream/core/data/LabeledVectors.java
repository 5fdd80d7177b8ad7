package io.kdstream.core.data;

import java.util.Arrays;

import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.Tensor;

/**
 * Labelled examples held as floats on the model's scale: {@code values} is row-major, {@code count × inputSize}.
 * Tabular rows, embeddings, and images read from CSV or JSON Lines all land here.
 */
public record LabeledVectors(TaskContract task, float[] values, int[] labels) implements LabeledData {

    public LabeledVectors {
        int size = task.inputSize();
        if (values.length != labels.length * size) {
            throw new IllegalArgumentException(labels.length + " labels need " + labels.length * size
                    + " values for task " + task.name() + " but " + values.length + " were given");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= task.classCount()) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is not a class of task "
                        + task.name() + " (0.." + (task.classCount() - 1) + ")");
            }
        }
    }

    @Override
    public int count() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public void writeInput(int index, float[] target, int offset) {
        int size = task.inputSize();
        System.arraycopy(values, index * size, target, offset, size);
    }

    @Override
    public Tensor tensor(int index) {
        return task.toTensor(input(index));
    }

    @Override
    public LabeledVectors head(int n) {
        int count = Math.min(n, count());
        return new LabeledVectors(task, Arrays.copyOf(values, count * task.inputSize()), Arrays.copyOf(labels, count));
    }
}

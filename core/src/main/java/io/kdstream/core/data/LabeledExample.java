package io.kdstream.core.data;

/**
 * One example read from a file or drawn from a generator: the input on the model's scale and its true class, or
 * {@link #NO_LABEL} when the source does not know it (a CSV file without a label column).
 *
 * @param input the task's input, flattened row-major, on the model's scale
 * @param label an index into the task's class names, or {@link #NO_LABEL}
 */
public record LabeledExample(float[] input, int label) {

    public static final int NO_LABEL = -1;

    public boolean hasLabel() {
        return label != NO_LABEL;
    }
}

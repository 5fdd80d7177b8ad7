package io.kdstream.trainer.training;

import java.util.List;

import io.kdstream.trainer.labels.Example;

/**
 * Examples laid out row-major for the model: one optimizer step's batch, or the held-out examples to score.
 *
 * @param inputs      {@code size × inputSize} values on the [0, 1] scale
 * @param teacher     {@code size × classes} teacher probabilities at the trainer's temperature, or null where the
 *                    distiller makes its own targets
 * @param labels      the true class per example, −1 where unknown
 * @param size        examples in the batch
 * @param newExamples examples seen for the first time (the rest are replays)
 */
public record Batch(float[] inputs, float[] teacher, int[] labels, int size, int newExamples) {

    /** Packs examples; the teacher rows are kept when the examples carry them. */
    public static Batch of(List<Example> examples, int newExamples, int inputSize, int classes) {
        int size = examples.size();
        float[] inputs = new float[size * inputSize];
        boolean hasTeacher = size > 0 && examples.get(0).teacher() != null;
        float[] teacher = hasTeacher ? new float[size * classes] : null;
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            Example example = examples.get(i);
            System.arraycopy(example.input(), 0, inputs, i * inputSize, inputSize);
            if (hasTeacher) {
                System.arraycopy(example.teacher(), 0, teacher, i * classes, classes);
            }
            labels[i] = example.trueLabel();
        }
        return new Batch(inputs, teacher, labels, size, newExamples);
    }
}

package io.kdstream.trainer.training;

import java.util.List;
import java.util.function.Function;

import io.kdstream.trainer.labels.Example;

/** Held-out examples laid out for inference, scored in chunks so that a big holdout set needs no big native buffer. */
record HoldoutBatch(Batch batch, int inputSize, int classes) {

    private static final int INFERENCE_CHUNK = 512;

    static HoldoutBatch of(List<Example> examples, int inputSize, int classes) {
        return new HoldoutBatch(Batch.of(examples, 0, inputSize, classes), inputSize, classes);
    }

    int size() {
        return batch.size();
    }

    /** Teacher probabilities of the examples, or null when they carry none. */
    float[] teacher() {
        return batch.teacher();
    }

    int[] labels() {
        return batch.labels();
    }

    /** A model's row-major probabilities over all examples, computed in chunks. */
    float[] probabilities(Function<Chunk, float[]> model) {
        float[] out = new float[size() * classes];
        for (int start = 0; start < size(); start += INFERENCE_CHUNK) {
            int count = Math.min(INFERENCE_CHUNK, size() - start);
            float[] chunk = new float[count * inputSize];
            System.arraycopy(batch.inputs(), start * inputSize, chunk, 0, chunk.length);
            System.arraycopy(model.apply(new Chunk(chunk, count)), 0, out, start * classes, count * classes);
        }
        return out;
    }

    /** Row-major inputs of {@code count} examples. */
    record Chunk(float[] inputs, int count) {
    }
}

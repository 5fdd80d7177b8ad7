package io.kdstream.teacher.model;

import java.util.List;
import java.util.function.BiFunction;

import io.kdstream.schemas.TeacherContribution;

/** A teacher whose logits come from a function of the inputs, for tests that need known outputs. */
public final class FakeTeacher implements Teacher {

    private final String id;
    private final int inputSize;
    private final int classes;
    private final BiFunction<float[], Integer, float[]> logits;
    private boolean closed;

    public FakeTeacher(String id, int inputSize, int classes, BiFunction<float[], Integer, float[]> logits) {
        this.id = id;
        this.inputSize = inputSize;
        this.classes = classes;
        this.logits = logits;
    }

    /** The same logits for every example. */
    public static FakeTeacher constant(String id, int inputSize, float... row) {
        return new FakeTeacher(id, inputSize, row.length, (inputs, batch) -> {
            float[] out = new float[batch * row.length];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(row, 0, out, i * row.length, row.length);
            }
            return out;
        });
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String version() {
        return id + "-v1";
    }

    @Override
    public List<TeacherContribution> members() {
        return List.of();
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public float[] logits(float[] inputs, int batch) {
        return logits.apply(inputs, batch);
    }

    @Override
    public float[] probabilities(float[] inputs, int batch, float temperature) {
        return EnsembleTeacher.softmax(logits(inputs, batch), classes, temperature);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return id;
    }
}

package io.kdstream.teacher.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.TeacherContribution;

/** A teacher whose logits come from a function of the inputs, for tests that need known outputs. */
public final class FakeTeacher implements Teacher {

    private final String id;
    private final TaskContract task;
    private final BiFunction<float[], Integer, float[]> logits;
    private boolean closed;

    public FakeTeacher(String id, TaskContract task, BiFunction<float[], Integer, float[]> logits) {
        this.id = id;
        this.task = task;
        this.logits = logits;
    }

    /** For {@link #taskOf} {@code inputSize} and {@code classes}. */
    public FakeTeacher(String id, int inputSize, int classes, BiFunction<float[], Integer, float[]> logits) {
        this(id, taskOf(inputSize, classes), logits);
    }

    /** Fashion-MNIST for 784 inputs to 10 classes, else a task {@code fake} of uint8 vectors on [0, 1]. */
    public static TaskContract taskOf(int inputSize, int classes) {
        if (inputSize == BuiltInTasks.FASHION_MNIST.inputSize() && classes == BuiltInTasks.FASHION_MNIST.classCount()) {
            return BuiltInTasks.FASHION_MNIST;
        }
        return task(List.of(inputSize), classes);
    }

    /** A task {@code fake} of uint8 inputs of {@code shape} on [0, 1], classes {@code c0, c1, ...}. */
    public static TaskContract task(List<Integer> shape, int classes) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        return new TaskContract("fake", DType.UINT8, shape, 0f, 1f, names, List.of());
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
    public TaskContract task() {
        return task;
    }

    @Override
    public int inputSize() {
        return task.inputSize();
    }

    @Override
    public int classes() {
        return task.classCount();
    }

    @Override
    public float[] logits(float[] inputs, int batch) {
        return logits.apply(inputs, batch);
    }

    @Override
    public float[] probabilities(float[] inputs, int batch, float temperature) {
        return EnsembleTeacher.softmax(logits(inputs, batch), classes(), temperature);
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

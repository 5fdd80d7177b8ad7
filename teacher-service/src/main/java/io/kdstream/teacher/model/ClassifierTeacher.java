package io.kdstream.teacher.model;

import java.util.List;

import io.kdstream.core.model.Classifier;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.TeacherContribution;

/** One teacher backed by a {@link Classifier}: trained weights from a {@link TeacherStore}, or a TorchScript model. */
public final class ClassifierTeacher implements Teacher {

    private final String id;
    private final String version;
    private final TaskContract task;
    private final Classifier classifier;

    /** @throws IllegalArgumentException when the classifier's input size or class count is not the task's */
    public ClassifierTeacher(String id, String version, TaskContract task, Classifier classifier) {
        if (classifier.inputSize() != task.inputSize() || classifier.classes() != task.classCount()) {
            classifier.close();
            throw new IllegalArgumentException("teacher " + id + " v" + version + " takes " + classifier.inputSize()
                    + " inputs to " + classifier.classes() + " classes, but its task " + task.summary());
        }
        this.id = id;
        this.version = version;
        this.task = task;
        this.classifier = classifier;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String version() {
        return version;
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
        return classifier.inputSize();
    }

    @Override
    public int classes() {
        return classifier.classes();
    }

    @Override
    public float[] logits(float[] inputs, int batch) {
        return classifier.logits(inputs, batch);
    }

    @Override
    public float[] probabilities(float[] inputs, int batch, float temperature) {
        return classifier.probabilities(inputs, batch, temperature);
    }

    /** The model itself, for scoring it as a trained teacher is scored; closed with this teacher. */
    public Classifier classifier() {
        return classifier;
    }

    @Override
    public void close() {
        classifier.close();
    }

    @Override
    public String toString() {
        return id + " v" + version;
    }
}

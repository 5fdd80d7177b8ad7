package io.kdstream.teacher.model;

import java.util.List;

import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.TeacherContribution;

/**
 * A model that labels traffic: batched logits and temperature-softened probabilities, with the identity every
 * soft label carries. Implementations are thread-safe for concurrent calls.
 */
public interface Teacher extends AutoCloseable {

    /** The name written into soft labels, e.g. {@code fashion-cnn}. */
    String id();

    /** The weights' version: the first 12 hex digits of their sha256. */
    String version();

    /** The members and normalised weights of an ensemble; empty for a single teacher. */
    List<TeacherContribution> members();

    /** The task the teacher was made for: what its inputs look like and what its classes are called. */
    TaskContract task();

    /** Elements of one example. */
    int inputSize();

    int classes();

    /** Raw logits, row-major {@code (batch, classes)}, for {@code batch} examples laid out row-major in {@code inputs}. */
    float[] logits(float[] inputs, int batch);

    /** {@code softmax(logits / temperature)}, row-major {@code (batch, classes)}. */
    float[] probabilities(float[] inputs, int batch, float temperature);

    @Override
    void close();
}

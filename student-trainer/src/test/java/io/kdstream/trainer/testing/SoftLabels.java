package io.kdstream.trainer.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.kdstream.core.data.LabeledData;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;

/**
 * Soft labels and traffic events made from Fashion-MNIST images for tests: a confident, slightly noisy "teacher"
 * that puts most of its mass on the true class, softened at the teacher's temperature.
 */
public final class SoftLabels {

    public static final float TEACHER_TEMPERATURE = 4f;

    /** Broken labels the trainer must dead-letter, with the reason it must give. */
    public enum Broken {
        NOT_FINITE("not-finite"), BAD_SUM("bad-sum"), BAD_CLASS_COUNT(TaskContract.MISMATCH), BAD_SHAPE(TaskContract.MISMATCH);

        public final String reason;

        Broken(String reason) {
            this.reason = reason;
        }
    }

    private SoftLabels() {
    }

    /** Teacher logits over Fashion-MNIST's ten classes favouring {@code trueClass}, softened at {@link #TEACHER_TEMPERATURE}. */
    public static List<Float> softened(int trueClass, Random noise) {
        return softened(trueClass, 10, noise);
    }

    /** Teacher logits over {@code classes} classes favouring {@code trueClass}, softened at {@link #TEACHER_TEMPERATURE}. */
    public static List<Float> softened(int trueClass, int classes, Random noise) {
        double[] logits = new double[classes];
        for (int c = 0; c < classes; c++) {
            logits[c] = (c == trueClass ? 9 : 0) + noise.nextGaussian();
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit / TEACHER_TEMPERATURE);
        }
        double sum = 0;
        double[] exp = new double[classes];
        for (int c = 0; c < classes; c++) {
            exp[c] = Math.exp(logits[c] / TEACHER_TEMPERATURE - max);
            sum += exp[c];
        }
        List<Float> probabilities = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            probabilities.add((float) (exp[c] / sum));
        }
        return probabilities;
    }

    /** A valid soft label for image {@code index}, carrying its true label when {@code withTrueLabel}. */
    public static SoftLabel valid(String requestId, LabeledImages images, int index, boolean withTrueLabel, Random noise) {
        return valid(requestId, (LabeledData) images, index, withTrueLabel, noise);
    }

    /** A valid soft label for example {@code index} of any task, in the task's wire form. */
    public static SoftLabel valid(String requestId, LabeledData examples, int index, boolean withTrueLabel, Random noise) {
        int label = examples.label(index);
        int classes = examples.task().classCount();
        return SoftLabel.newBuilder()
                .setRequestId(requestId)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + index))
                .setLabelledTime(Instant.ofEpochMilli(1_700_000_000_500L + index))
                .setInput(examples.tensor(index))
                .setTeacherId("test-teacher")
                .setTeacherVersion("1")
                .setTemperature(TEACHER_TEMPERATURE)
                .setClassCount(classes)
                .setProbabilities(new DenseProbabilities(softened(label, classes, noise)))
                .setTrueLabel(withTrueLabel ? label : null)
                .build();
    }

    /** A soft label broken in the given way. */
    public static SoftLabel broken(String requestId, LabeledImages images, int index, Broken how, Random noise) {
        SoftLabel label = valid(requestId, images, index, true, noise);
        List<Float> probabilities = new ArrayList<>(((DenseProbabilities) label.getProbabilities()).getValues());
        switch (how) {
            case NOT_FINITE -> probabilities.set(3, Float.NaN);
            case BAD_SUM -> probabilities.replaceAll(p -> p * 0.5f);
            case BAD_CLASS_COUNT -> {
                label.setClassCount(5);
                probabilities = probabilities.subList(0, 5);
            }
            case BAD_SHAPE -> label.setInput(Tensors.uint8(new byte[14 * 14], 1, 14, 14));
        }
        label.setProbabilities(new DenseProbabilities(probabilities));
        return label;
    }

    /** A replayed traffic event for image {@code index}, with its true label when {@code withTrueLabel}. */
    public static TrafficEvent traffic(String requestId, LabeledImages images, int index, boolean withTrueLabel) {
        return TrafficEvent.newBuilder()
                .setRequestId(requestId)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + index))
                .setInput(Tensors.uint8(images.image(index), 1, 28, 28))
                .setTrueLabel(withTrueLabel ? images.labels()[index] : null)
                .setSource(TrafficSource.REPLAY)
                .build();
    }
}

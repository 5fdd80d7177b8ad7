package io.kdstream.monitor.records;

import java.util.List;

import io.kdstream.core.distill.InvalidSoftLabelException;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.drift.Divergences;
import io.kdstream.core.drift.InputFeatures;
import io.kdstream.core.eval.ClassificationScores;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.InvalidTensorException;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.Prediction;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;

/**
 * The readers of the monitor's four input topics. Each decodes with core's codecs and checks what the monitor
 * relies on (the task's input shape and class count, finite probabilities, class indices in range, a request id as
 * key), naming what was expected and what was found when it refuses a record.
 */
public final class InputReaders {

    /**
     * The longest request id (key) the monitor joins: the gateway takes ids of at most 200 characters. A longer one
     * would go into the join stores, whose changelog records (key and value) could pass the producer's limit and stop
     * the monitor's task on every retry.
     */
    public static final int MAX_REQUEST_ID_BYTES = 1024;

    private InputReaders() {
    }

    /**
     * kd-predictions: the student's answer, with {@code classes} probabilities summing to 1; another count is a
     * {@value TaskContract#MISMATCH}.
     */
    public static RecordReader<Prediction> predictions(int classes) {
        return (key, value) -> {
            requireRequestId(key);
            Prediction prediction = Codecs.PREDICTION.decode(value);
            List<Float> probabilities = prediction.getProbabilities();
            if (probabilities.size() != classes) {
                throw new RejectedRecordException(TaskContract.MISMATCH, "expected " + classes
                        + " probabilities, one per class of the task, but the prediction has " + probabilities.size());
            }
            double sum = 0;
            for (int i = 0; i < classes; i++) {
                float p = probabilities.get(i);
                if (!Float.isFinite(p) || p < 0) {
                    throw new RejectedRecordException("bad-probabilities", "probability of class " + i
                            + " must be finite and non-negative but is " + p);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > SoftTargets.SUM_TOLERANCE) {
                throw new RejectedRecordException("bad-probabilities", "probabilities sum to " + sum
                        + ", expected 1 ± " + SoftTargets.SUM_TOLERANCE);
            }
            requireClass("topClass", prediction.getTopClass(), classes);
            return prediction;
        };
    }

    /**
     * kd-soft-labels: the teacher's label, its input and class count checked against the task (another shape or count
     * is a {@value TaskContract#MISMATCH} naming expected and found), validated by {@link SoftTargets} and re-tempered
     * to T = 1; the input is reduced to its drift {@code features}.
     */
    public static RecordReader<LabelledInput> softLabels(TaskContract task, InputFeatures features) {
        int classes = task.classCount();
        return (key, value) -> {
            requireRequestId(key);
            SoftLabel label = Codecs.SOFT_LABEL.decode(value);
            float[] input;
            try {
                input = task.toModelInput(label.getInput());
            } catch (InvalidTensorException e) {
                throw new RejectedRecordException(e.reason(), e.getMessage());
            }
            if (label.getClassCount() != classes) {
                throw new RejectedRecordException(TaskContract.MISMATCH, "task " + task.name() + " has " + classes
                        + " classes but the soft label has " + label.getClassCount());
            }
            float[] probabilities;
            try {
                probabilities = SoftTargets.read(label, classes, 1f);
            } catch (InvalidSoftLabelException e) {
                throw new RejectedRecordException(e.reason(), e.getMessage());
            }
            Integer trueLabel = label.getTrueLabel();
            if (trueLabel != null) {
                requireClass("trueLabel", trueLabel, classes);
            }
            TeacherView view = new TeacherView(ClassificationScores.argmax(probabilities, 0, classes), probabilities,
                    trueLabel == null ? TeacherView.UNKNOWN : trueLabel, Divergences.entropy(toDoubles(probabilities)));
            return new LabelledInput(view, features.of(input));
        };
    }

    /** kd-ground-truth: a late true label. */
    public static RecordReader<GroundTruth> groundTruth(int classes) {
        return (key, value) -> {
            requireRequestId(key);
            GroundTruth truth = Codecs.GROUND_TRUTH.decode(value);
            requireClass("label", truth.getLabel(), classes);
            return truth;
        };
    }

    /** kd-checkpoints: manifests only; weight chunks and tombstones are skipped (null) without decoding their values. */
    public static RecordReader<Checkpoint> manifests() {
        return (key, value) -> {
            CheckpointKey checkpointKey = Codecs.CHECKPOINT_KEY.decode(key);
            if (value == null || checkpointKey.getChunk() != -1) {
                return null;
            }
            return Codecs.CHECKPOINT.decode(value);
        };
    }

    public static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static void requireRequestId(byte[] key) {
        if (key == null || key.length == 0) {
            throw new RejectedRecordException("missing-key", "expected the request id as key but the record has "
                    + (key == null ? "no key" : "an empty key"));
        }
        if (key.length > MAX_REQUEST_ID_BYTES) {
            throw new RejectedRecordException("bad-request-id", "a request id has at most " + MAX_REQUEST_ID_BYTES
                    + " bytes but this key has " + key.length);
        }
    }

    private static void requireClass(String field, int value, int classes) {
        if (value < 0 || value >= classes) {
            throw new RejectedRecordException("bad-class", field + " must be a class in 0.." + (classes - 1) + " but is " + value);
        }
    }
}

package io.kdstream.trainer.labels;

import io.kdstream.core.distill.InvalidSoftLabelException;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.InvalidTensorException;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.Tensor;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;

/**
 * Turns the raw bytes of an input record into a validated {@link Example}, or says why it cannot be used. Inputs and
 * class counts are checked against the task first: another shape, element type or class count is a
 * {@value TaskContract#MISMATCH} naming expected and found. The other reasons come from the core validators
 * ({@code not-finite}, {@code bad-sum}, {@code bad-length}, …) plus {@code undecodable} and {@code bad-true-label}.
 */
public interface ExampleDecoder {

    /** @throws UnusableRecordException naming the reason the record cannot be trained on */
    Example decode(byte[] value);

    /** Soft labels of the teacher, re-tempered to the trainer's temperature. */
    static ExampleDecoder softLabels(TaskContract task, float trainerTemperature) {
        int classes = task.classCount();
        return value -> {
            SoftLabel label = decode(() -> Codecs.SOFT_LABEL.decode(value));
            float[] input = input(label.getInput(), task);
            if (label.getClassCount() != classes) {
                throw new UnusableRecordException(TaskContract.MISMATCH, "task " + task.name() + " has " + classes
                        + " classes but the soft label of request " + label.getRequestId() + " has " + label.getClassCount());
            }
            float[] teacher;
            try {
                teacher = SoftTargets.read(label, classes, trainerTemperature);
            } catch (InvalidSoftLabelException e) {
                throw new UnusableRecordException(e.reason(), e.getMessage());
            }
            return new Example(label.getRequestId(), input, teacher, trueLabel(label.getTrueLabel(), classes),
                    label.getEventTime().toEpochMilli(), label.getLabelledTime().toEpochMilli(),
                    sliceId(label.getRequestId(), label.getShadowId()));
        };
    }

    /** Traffic events read directly, for the modes that make their own targets. */
    static ExampleDecoder traffic(TaskContract task) {
        return value -> {
            TrafficEvent event = decode(() -> Codecs.TRAFFIC_EVENT.decode(value));
            return new Example(event.getRequestId(), input(event.getInput(), task), null,
                    trueLabel(event.getTrueLabel(), task.classCount()), event.getEventTime().toEpochMilli(), -1,
                    sliceId(event.getRequestId(), event.getShadowId()));
        };
    }

    /** The gateway's id of a shadow copy where there is one: clients choose request ids. */
    private static String sliceId(String requestId, String shadowId) {
        return shadowId != null ? shadowId : requestId;
    }

    private static <T> T decode(java.util.function.Supplier<T> decoding) {
        try {
            return decoding.get();
        } catch (RecordDecodingException e) {
            throw new UnusableRecordException("undecodable", e.getMessage());
        }
    }

    private static float[] input(Tensor tensor, TaskContract task) {
        try {
            return task.toModelInput(tensor);
        } catch (InvalidTensorException e) {
            throw new UnusableRecordException(e.reason(), e.getMessage());
        }
    }

    private static int trueLabel(Integer label, int classes) {
        if (label == null) {
            return Example.UNKNOWN_LABEL;
        }
        if (label < 0 || label >= classes) {
            throw new UnusableRecordException("bad-true-label", "true label must be in 0.." + (classes - 1) + " but is " + label);
        }
        return label;
    }
}

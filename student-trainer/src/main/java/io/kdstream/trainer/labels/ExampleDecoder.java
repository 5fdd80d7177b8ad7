package io.kdstream.trainer.labels;

import io.kdstream.core.distill.InvalidSoftLabelException;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.tensor.InvalidTensorException;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.Tensor;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;

/**
 * Turns the raw bytes of an input record into a validated {@link Example}, or says why it cannot be used. The
 * reasons come from the core validators ({@code not-finite}, {@code bad-sum}, {@code bad-class-count},
 * {@code bad-shape}, …) plus {@code undecodable} and {@code bad-true-label}.
 */
public interface ExampleDecoder {

    /** @throws UnusableRecordException naming the reason the record cannot be trained on */
    Example decode(byte[] value);

    /** Soft labels of the teacher, re-tempered to the trainer's temperature. */
    static ExampleDecoder softLabels(int inputSize, int classes, float trainerTemperature) {
        return value -> {
            SoftLabel label = decode(() -> Codecs.SOFT_LABEL.decode(value));
            float[] input = input(label.getInput(), inputSize);
            float[] teacher;
            try {
                teacher = SoftTargets.read(label, classes, trainerTemperature);
            } catch (InvalidSoftLabelException e) {
                throw new UnusableRecordException(e.reason(), e.getMessage());
            }
            return new Example(label.getRequestId(), input, teacher, trueLabel(label.getTrueLabel(), classes),
                    label.getEventTime().toEpochMilli(), label.getLabelledTime().toEpochMilli());
        };
    }

    /** Traffic events read directly, for the modes that make their own targets. */
    static ExampleDecoder traffic(int inputSize, int classes) {
        return value -> {
            TrafficEvent event = decode(() -> Codecs.TRAFFIC_EVENT.decode(value));
            return new Example(event.getRequestId(), input(event.getInput(), inputSize), null,
                    trueLabel(event.getTrueLabel(), classes), event.getEventTime().toEpochMilli(), -1);
        };
    }

    private static <T> T decode(java.util.function.Supplier<T> decoding) {
        try {
            return decoding.get();
        } catch (RecordDecodingException e) {
            throw new UnusableRecordException("undecodable", e.getMessage());
        }
    }

    private static float[] input(Tensor tensor, int inputSize) {
        try {
            return Tensors.toUnitFloats(tensor, inputSize);
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

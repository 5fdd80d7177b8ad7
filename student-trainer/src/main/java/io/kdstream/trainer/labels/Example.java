package io.kdstream.trainer.labels;

/**
 * One validated training example, decoded from a soft label or a traffic event.
 *
 * @param requestId    the request it came from (its key on every request-id keyed topic)
 * @param input        the input on the model's scale (the task's value range)
 * @param teacher      the teacher's probabilities at the trainer's temperature, or null where the trainer makes its
 *                     own targets (self and mutual modes)
 * @param trueLabel    the true class, or −1 when unknown
 * @param eventTime    when the traffic event was seen (epoch ms)
 * @param labelledTime when the teacher labelled it (epoch ms), or −1 for traffic read directly
 * @param sliceId      what the holdout slice is chosen by: the id the gateway generated for its shadow copy, or the
 *                     request id for records without one (replayed traffic), never an id a client chose alone
 */
public record Example(String requestId, float[] input, float[] teacher, int trueLabel, long eventTime, long labelledTime,
                      String sliceId) {

    public static final int UNKNOWN_LABEL = -1;

    /** An example whose slice is chosen by its request id. */
    public Example(String requestId, float[] input, float[] teacher, int trueLabel, long eventTime, long labelledTime) {
        this(requestId, input, teacher, trueLabel, eventTime, labelledTime, requestId);
    }

    public boolean hasTrueLabel() {
        return trueLabel != UNKNOWN_LABEL;
    }

    public Example withTrueLabel(int label) {
        return new Example(requestId, input, teacher, label, eventTime, labelledTime, sliceId);
    }
}

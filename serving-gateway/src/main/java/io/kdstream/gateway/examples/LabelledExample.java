package io.kdstream.gateway.examples;

import io.kdstream.schemas.Tensor;

/**
 * One teacher-labelled example as read from kd-soft-labels: where it sits there (a trainer's lineage says which
 * offsets it trained on), its input in wire form, the teacher's distribution at temperature 1, and the true label
 * when the stream carries one.
 *
 * @param trueLabel the true class, or −1 when unknown
 */
public record LabelledExample(int partition, long offset, Tensor input, float[] teacher, int trueLabel) {

    /** The teacher's top class. */
    public int teacherClass() {
        int best = 0;
        for (int k = 1; k < teacher.length; k++) {
            if (teacher[k] > teacher[best]) {
                best = k;
            }
        }
        return best;
    }

    public boolean hasTrueLabel() {
        return trueLabel >= 0;
    }
}

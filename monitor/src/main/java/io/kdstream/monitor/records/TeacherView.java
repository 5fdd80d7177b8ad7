package io.kdstream.monitor.records;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.kdstream.monitor.state.CompactSerde;

/**
 * What the monitor keeps of a soft label: the teacher's distribution re-tempered to T = 1, its top class and
 * entropy, and the true label where the label carried one. The input image is dropped, so the join's store
 * holds a few dozen bytes per label instead of a kilobyte or more.
 *
 * @param probabilities the teacher's probabilities at T = 1
 * @param trueLabel     the true class, or {@link #UNKNOWN}
 * @param entropy       entropy of {@code probabilities}, in nats
 */
public record TeacherView(int teacherClass, float[] probabilities, int trueLabel, double entropy) {

    public static final int UNKNOWN = -1;

    public static final CompactSerde<TeacherView> SERDE = new CompactSerde<>("TeacherView", TeacherView::write, TeacherView::read);

    public boolean hasTrueLabel() {
        return trueLabel != UNKNOWN;
    }

    private static void write(TeacherView view, DataOutput out) throws IOException {
        out.writeInt(view.teacherClass);
        out.writeInt(view.trueLabel);
        out.writeDouble(view.entropy);
        out.writeInt(view.probabilities.length);
        for (float p : view.probabilities) {
            out.writeFloat(p);
        }
    }

    private static TeacherView read(DataInput in) throws IOException {
        int teacherClass = in.readInt();
        int trueLabel = in.readInt();
        double entropy = in.readDouble();
        float[] probabilities = new float[in.readInt()];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = in.readFloat();
        }
        return new TeacherView(teacherClass, probabilities, trueLabel, entropy);
    }
}

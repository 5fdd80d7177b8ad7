package io.kdstream.teacher.model;

import java.util.ArrayList;
import java.util.List;

import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.TeacherContribution;

/**
 * A weighted ensemble of teachers averaged into one label: either the weighted mean of the members' probabilities
 * at T, or the softmax at T of the weighted mean of their logits. Weights are normalised to sum to 1; the version is
 * derived from the members' versions and weights, so a label names exactly the mix that made it.
 */
public final class EnsembleTeacher implements Teacher {

    private final String id;
    private final String version;
    private final List<Teacher> members;
    private final float[] weights;
    private final boolean averageLogits;
    private final List<TeacherContribution> contributions;

    /**
     * @param averageLogits true to average logits, false to average probabilities
     * @throws IllegalArgumentException when members were made for different tasks, or a weight is not positive
     */
    public EnsembleTeacher(String id, List<Teacher> members, List<Double> weights, boolean averageLogits) {
        if (members.size() < 2 || members.size() != weights.size()) {
            throw new IllegalArgumentException("an ensemble needs two or more members and one weight each, but has "
                    + members.size() + " members and " + weights.size() + " weights");
        }
        Teacher first = members.get(0);
        double sum = 0;
        for (int i = 0; i < members.size(); i++) {
            Teacher member = members.get(i);
            String mismatch = first.task().mismatchWith(member.task());
            if (mismatch != null) {
                throw new IllegalArgumentException("ensemble members must share one task, but member " + member
                        + " and member " + first + " differ: " + mismatch);
            }
            if (!(weights.get(i) > 0) || weights.get(i).isInfinite()) {
                throw new IllegalArgumentException("ensemble weight of " + member + " must be positive but is " + weights.get(i));
            }
            sum += weights.get(i);
        }
        this.id = id;
        this.members = List.copyOf(members);
        this.weights = new float[members.size()];
        this.averageLogits = averageLogits;
        List<TeacherContribution> made = new ArrayList<>();
        StringBuilder identity = new StringBuilder(averageLogits ? "logits" : "probabilities");
        for (int i = 0; i < members.size(); i++) {
            this.weights[i] = (float) (weights.get(i) / sum);
            Teacher member = members.get(i);
            made.add(new TeacherContribution(member.id(), member.version(), this.weights[i]));
            identity.append('|').append(member.id()).append(':').append(member.version()).append(':').append(this.weights[i]);
        }
        this.contributions = List.copyOf(made);
        this.version = WeightsCodec.sha256(identity.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .substring(0, TeacherManifest.VERSION_LENGTH);
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
        return contributions;
    }

    @Override
    public TaskContract task() {
        return members.get(0).task();
    }

    @Override
    public int inputSize() {
        return members.get(0).inputSize();
    }

    @Override
    public int classes() {
        return members.get(0).classes();
    }

    @Override
    public float[] logits(float[] inputs, int batch) {
        float[] mean = new float[batch * classes()];
        for (int m = 0; m < members.size(); m++) {
            addScaled(mean, members.get(m).logits(inputs, batch), weights[m]);
        }
        return mean;
    }

    @Override
    public float[] probabilities(float[] inputs, int batch, float temperature) {
        if (averageLogits) {
            return softmax(logits(inputs, batch), classes(), temperature);
        }
        float[] mean = new float[batch * classes()];
        for (int m = 0; m < members.size(); m++) {
            addScaled(mean, members.get(m).probabilities(inputs, batch, temperature), weights[m]);
        }
        return mean;
    }

    /** Row-wise {@code softmax(values / temperature)}, computed stably in double precision. */
    static float[] softmax(float[] values, int classes, float temperature) {
        float[] out = new float[values.length];
        for (int row = 0; row < values.length / classes; row++) {
            int offset = row * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, values[offset + c] / temperature);
            }
            double sum = 0;
            double[] exp = new double[classes];
            for (int c = 0; c < classes; c++) {
                exp[c] = Math.exp(values[offset + c] / temperature - max);
                sum += exp[c];
            }
            for (int c = 0; c < classes; c++) {
                out[offset + c] = (float) (exp[c] / sum);
            }
        }
        return out;
    }

    private static void addScaled(float[] target, float[] values, float weight) {
        for (int i = 0; i < target.length; i++) {
            target[i] += weight * values[i];
        }
    }

    @Override
    public void close() {
        members.forEach(Teacher::close);
    }

    @Override
    public String toString() {
        return id + " v" + version + " " + contributions;
    }
}

package io.kdstream.teacher.labels;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.SparseProbabilities;
import io.kdstream.schemas.TeacherContribution;
import io.kdstream.schemas.TrafficEvent;

/**
 * Turns one row of teacher probabilities into a {@link SoftLabel}: dense, or the top k classes plus the tail mass
 * that the classes not listed share evenly (the form core's {@code SoftTargets} reads back).
 */
public final class SoftLabeller {

    private final String teacherId;
    private final String teacherVersion;
    private final List<TeacherContribution> ensemble;
    private final float temperature;
    private final int classes;
    private final int topK;

    /** @param topK classes to publish per label, or 0 for the dense vector */
    public SoftLabeller(String teacherId, String teacherVersion, List<TeacherContribution> ensemble, float temperature,
                        int classes, int topK) {
        if (topK < 0 || topK >= classes && topK != 0) {
            throw new IllegalArgumentException("output.top.k must be 0 (dense) or below the teacher's " + classes
                    + " classes but is " + topK);
        }
        this.teacherId = teacherId;
        this.teacherVersion = teacherVersion;
        this.ensemble = List.copyOf(ensemble);
        this.temperature = temperature;
        this.classes = classes;
        this.topK = topK;
    }

    /** The label of {@code event} from {@code probabilities[offset .. offset + classes)}. */
    public SoftLabel label(TrafficEvent event, float[] probabilities, int offset, Instant labelledAt) {
        return SoftLabel.newBuilder()
                .setRequestId(event.getRequestId())
                .setEventTime(event.getEventTime())
                .setLabelledTime(labelledAt)
                .setInput(event.getInput())
                .setTeacherId(teacherId)
                .setTeacherVersion(teacherVersion)
                .setTemperature(temperature)
                .setClassCount(classes)
                .setProbabilities(topK == 0 ? dense(probabilities, offset) : sparse(probabilities, offset))
                .setTrueLabel(event.getTrueLabel())
                .setEnsemble(ensemble)
                .setShadowId(event.getShadowId())
                .build();
    }

    private DenseProbabilities dense(float[] probabilities, int offset) {
        List<Float> values = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            values.add(probabilities[offset + c]);
        }
        return new DenseProbabilities(values);
    }

    private SparseProbabilities sparse(float[] probabilities, int offset) {
        List<Integer> indices = new ArrayList<>(topK);
        List<Float> values = new ArrayList<>(topK);
        boolean[] taken = new boolean[classes];
        double listed = 0;
        for (int k = 0; k < topK; k++) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                if (!taken[c] && (best < 0 || probabilities[offset + c] > probabilities[offset + best])) {
                    best = c;
                }
            }
            taken[best] = true;
            indices.add(best);
            values.add(probabilities[offset + best]);
            listed += probabilities[offset + best];
        }
        return new SparseProbabilities(indices, values, (float) Math.max(0, 1 - listed));
    }
}

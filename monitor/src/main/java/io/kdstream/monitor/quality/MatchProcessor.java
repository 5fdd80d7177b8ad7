package io.kdstream.monitor.quality;

import java.time.Duration;
import java.util.List;

import io.kdstream.core.drift.Divergences;
import io.kdstream.monitor.MonitorMetrics;
import io.kdstream.monitor.records.InputReaders;
import io.kdstream.monitor.records.TeacherView;
import io.kdstream.schemas.Prediction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Classifies each join result: a duplicate (the request id was already matched: a soft label written twice, or a
 * prediction sent twice), a prediction without a label ({@code no_label}), or a match. Only matches go on, as one
 * {@link Quality#match} keyed by model version, with top-1 agreement and KL(teacher ‖ student).
 *
 * <p>The teacher's label arrives softened at its temperature (T = 4 by default) while the student answers at
 * T = 1; {@link TeacherView} holds the teacher re-tempered to T = 1 with {@code SoftTargets.retemper}, so both
 * sides are compared at the temperature the student serves at. Comparing the softened teacher with the sharp
 * student would report a large KL even for a student that copies the teacher perfectly.
 */
public final class MatchProcessor implements Processor<byte[], JoinedPrediction, Long, Quality> {

    public static final String STORE = "matched-requests";

    /**
     * The floor under the student's probabilities in the KL: a float32 softmax can round a class to exactly 0 that
     * the teacher still gives some mass, and one such record would make the window's mean KL infinite.
     */
    public static final double STUDENT_FLOOR = 1e-7;

    private final MonitorMetrics metrics;
    private final Duration lookback;
    private ProcessorContext<Long, Quality> context;
    private SeenRequests seen;

    public MatchProcessor(MonitorMetrics metrics, Duration lookback) {
        this.metrics = metrics;
        this.lookback = lookback;
    }

    @Override
    public void init(ProcessorContext<Long, Quality> context) {
        this.context = context;
        this.seen = SeenRequests.open(context, STORE, lookback);
    }

    @Override
    public void process(Record<byte[], JoinedPrediction> record) {
        JoinedPrediction joined = record.value();
        TeacherView label = joined.label();
        if (label == null) {
            // A left-join result without a label; a request matched before it is a duplicate prediction instead.
            metrics.unmatched(seen.firstSighting(record.key(), record.timestamp()) ? MonitorMetrics.NO_LABEL : MonitorMetrics.DUPLICATE);
            return;
        }
        if (!seen.firstSighting(record.key(), record.timestamp())) {
            metrics.unmatched(MonitorMetrics.DUPLICATE);
            return;
        }
        metrics.matched();
        Prediction prediction = joined.prediction();
        boolean agreed = prediction.getTopClass() == label.teacherClass();
        double kl = klTeacherStudent(label.probabilities(), prediction.getProbabilities());
        context.forward(new Record<>(prediction.getModelVersion(), Quality.match(agreed, kl), record.timestamp()));
    }

    /** KL(teacher ‖ student) in nats, the student's probabilities floored at {@link #STUDENT_FLOOR}. */
    public static double klTeacherStudent(float[] teacher, List<Float> student) {
        double[] q = new double[student.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = Math.max(student.get(i), STUDENT_FLOOR);
        }
        return Divergences.kl(InputReaders.toDoubles(teacher), q);
    }
}

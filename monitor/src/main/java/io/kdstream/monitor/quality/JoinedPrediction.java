package io.kdstream.monitor.quality;

import io.kdstream.monitor.records.TeacherView;
import io.kdstream.schemas.Prediction;

/**
 * A prediction with the teacher's label for the same request, or with none when the join window closed without one.
 *
 * @param label null when no soft label arrived within the join window and its grace
 */
public record JoinedPrediction(Prediction prediction, TeacherView label) {
}

package io.kdstream.monitor.records;

/**
 * A soft label as the monitor reads it: what the joins keep ({@link TeacherView}) and the input's drift features
 * ({@link io.kdstream.core.drift.InputFeatures}), which only the input-drift path uses. The label is decoded once
 * and split into the two right after.
 */
public record LabelledInput(TeacherView view, double[] inputFeatures) {
}

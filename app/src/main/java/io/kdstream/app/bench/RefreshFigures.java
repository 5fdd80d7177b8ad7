package io.kdstream.app.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of {@code kd bench refresh} (issue #16) from what a run records: over time, the agreement with the
 * teacher of (a) the continuously distilled student served by the gateway and (b) the student frozen just before the
 * drift, both measured on the same traffic; the moment the drift began; and when the input-drift alert fired.
 *
 * <ul>
 *   <li>{@code pre_drift_agreement}: mean of (a) over the samples in the {@code baselineMs} before the drift.</li>
 *   <li>{@code recovery_s}: from the drift to the first sample from which on (a) stays within {@value #RECOVERED} of
 *   its pre-drift agreement; NaN when it never does. "Stays" rather than "touches", so a sample taken before the
 *   drifted traffic reached the window does not count as a recovery.</li>
 *   <li>{@code lasting_gap}: mean of (a) − (b) over the samples after recovery (over the last third of the post-drift
 *   samples when there was none): what refreshing buys once it has caught up.</li>
 *   <li>{@code alert_delay_s}: from the drift to the first alert at or after it; NaN when none fired.</li>
 *   <li>{@code false_alarms}: alerts before the drift.</li>
 * </ul>
 */
final class RefreshFigures {

    /** How close to its pre-drift agreement (a) must come to count as recovered. */
    static final double RECOVERED = 0.02;

    /**
     * One measurement.
     *
     * @param timeMs     wall-clock time of the measurement
     * @param continuous agreement of the continuously distilled student (a), 0–1
     * @param frozen     agreement of the student frozen before the drift (b), 0–1; NaN before the drift
     */
    record Sample(long timeMs, double continuous, double frozen) {
    }

    private RefreshFigures() {
    }

    /**
     * @param samples    in time order
     * @param driftMs    when the drift began
     * @param baselineMs how far back from the drift the pre-drift agreement is averaged
     * @param alertsMs   when the input-drift alert started firing, in time order
     */
    static Map<String, Object> of(List<Sample> samples, long driftMs, long baselineMs, List<Long> alertsMs) {
        double pre = samples.stream().filter(s -> s.timeMs() < driftMs && s.timeMs() >= driftMs - baselineMs)
                .mapToDouble(Sample::continuous).average().orElse(Double.NaN);
        List<Sample> after = samples.stream().filter(s -> s.timeMs() >= driftMs).toList();
        int recovered = -1;
        for (int i = after.size() - 1; i >= 0 && after.get(i).continuous() >= pre - RECOVERED; i--) {
            recovered = i;
        }
        // Scanning back from the end finds where the final in-band stretch starts; a run that never left the band
        // recovers at its first post-drift sample.
        List<Sample> lasting = recovered >= 0 ? after.subList(recovered, after.size())
                : after.subList(after.size() - after.size() / 3, after.size());
        double gap = lasting.stream().mapToDouble(s -> s.continuous() - s.frozen()).average().orElse(Double.NaN);
        long firstAlert = alertsMs.stream().filter(t -> t >= driftMs).findFirst().orElse(-1L);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("pre_drift_agreement", pre);
        figures.put("recovery_s", recovered >= 0 ? (after.get(recovered).timeMs() - driftMs) / 1000.0 : Double.NaN);
        figures.put("lasting_gap", gap);
        figures.put("alert_delay_s", firstAlert >= 0 ? (firstAlert - driftMs) / 1000.0 : Double.NaN);
        figures.put("false_alarms", alertsMs.stream().filter(t -> t < driftMs).count());
        return figures;
    }
}

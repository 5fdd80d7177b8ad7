/**
 * Teacher–student quality from the join of kd-predictions with kd-soft-labels (and kd-ground-truth): matching with
 * duplicate detection, agreement and KL per match, accuracy once per request, and the per-version figures over a
 * rolling window that feed the {@code kd.monitor.agreement}, {@code kd.monitor.kl} and {@code kd.monitor.accuracy}
 * gauges.
 */
package io.kdstream.monitor.quality;

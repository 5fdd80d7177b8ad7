/**
 * Drift of the class distributions: the teacher's top classes (traffic drift) and the student's (prediction drift)
 * over a sliding window, compared with a reference window by PSI and Jensen–Shannon divergence, plus the teacher's
 * mean entropy.
 */
package io.kdstream.monitor.drift;

/**
 * Drift against a frozen reference window. Of the class distributions: the teacher's top classes (traffic drift) and
 * the student's (prediction drift), by PSI and Jensen–Shannon divergence, plus the teacher's mean entropy. Of the
 * inputs: PSI of each input feature over quantile bins of the reference, the most drifted features named.
 */
package io.kdstream.monitor.drift;

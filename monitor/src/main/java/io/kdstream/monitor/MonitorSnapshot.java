package io.kdstream.monitor;

/**
 * The monitor's latest figures, for {@code kd demo}'s live display and summary. A figure not known yet (no
 * match, no reference, no served checkpoint) is {@code NaN}.
 *
 * @param modelVersion         the newest model version with quality figures, or −1
 * @param agreement            top-1 agreement of that version with the teacher over the quality window (0–1)
 * @param kl                   mean KL(teacher ‖ student) of that version, nats, teacher re-tempered to T = 1
 * @param accuracy             that version's accuracy against true labels (0–1)
 * @param psiTeacher           PSI of the teacher's class distribution, current window vs reference
 * @param psiStudent           PSI of the student's class distribution, current window vs reference
 * @param jsTeacher            Jensen–Shannon divergence of the teacher's distribution, nats
 * @param jsStudent            Jensen–Shannon divergence of the student's distribution, nats
 * @param teacherEntropy       the teacher's mean entropy at T = 1 over the drift window, nats
 * @param freshnessP50Seconds  median freshness of the recently served checkpoints, seconds
 * @param matched              predictions joined with a soft label since start
 * @param unmatched            predictions without a label, or duplicates, since start
 */
public record MonitorSnapshot(long modelVersion, double agreement, double kl, double accuracy,
                              double psiTeacher, double psiStudent, double jsTeacher, double jsStudent,
                              double teacherEntropy, double freshnessP50Seconds, long matched, long unmatched) {
}

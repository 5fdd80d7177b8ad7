package io.kdstream.trainer.training;

import io.kdstream.core.eval.ClassificationScores;
import io.kdstream.schemas.HoldoutScores;

/**
 * Scores a student on held-out examples against its reference (the teacher's soft labels, the EMA teacher, or the
 * other peers): top-1 agreement, mean KL(reference ‖ student) at the trainer's temperature, and accuracy over the
 * examples whose true label is known.
 */
public final class HoldoutScorer {

    /** Student probabilities below this count as this much inside the logarithm, so one underflow cannot make KL infinite. */
    private static final double FLOOR = 1e-12;

    private HoldoutScorer() {
    }

    /**
     * @param student   row-major {@code (n, classes)} student probabilities at the trainer's temperature
     * @param reference row-major {@code (n, classes)} reference probabilities at the same temperature
     * @param labels    true classes, −1 where unknown
     */
    public static HoldoutScores score(float[] student, float[] reference, int[] labels, int n, int classes) {
        if (n == 0) {
            return new HoldoutScores(0, 0f, 0f, null);
        }
        int agreeing = 0;
        int labelled = 0;
        int correct = 0;
        double klSum = 0;
        for (int i = 0; i < n; i++) {
            int studentTop = ClassificationScores.argmax(student, i, classes);
            if (studentTop == ClassificationScores.argmax(reference, i, classes)) {
                agreeing++;
            }
            if (labels[i] >= 0) {
                labelled++;
                correct += studentTop == labels[i] ? 1 : 0;
            }
            for (int c = 0; c < classes; c++) {
                double p = reference[i * classes + c];
                if (p > 0) {
                    klSum += p * (Math.log(p) - Math.log(Math.max(student[i * classes + c], FLOOR)));
                }
            }
        }
        Float accuracy = labelled == 0 ? null : (float) correct / labelled;
        return new HoldoutScores(n, (float) agreeing / n, (float) (klSum / n), accuracy);
    }
}

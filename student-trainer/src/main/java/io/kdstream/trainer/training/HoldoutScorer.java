package io.kdstream.trainer.training;

import java.util.ArrayList;
import java.util.List;

import io.kdstream.core.eval.ClassificationScores;
import io.kdstream.schemas.ClassScores;
import io.kdstream.schemas.HoldoutScores;

/**
 * Scores a student on held-out examples against its reference (the teacher's soft labels, the EMA teacher, or the
 * other peers): top-1 agreement, mean KL(reference ‖ student) at the trainer's temperature, and accuracy over the
 * examples whose true label is known; and the same per class, with how often student and reference pick each class,
 * so that a class falling apart behind a steady average shows (bias transfer).
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
            return new HoldoutScores(0, 0f, 0f, null, null);
        }
        int agreeing = 0;
        int labelled = 0;
        int correct = 0;
        double klSum = 0;
        int[] referenceCount = new int[classes];
        int[] studentCount = new int[classes];
        int[] agreeingCount = new int[classes];
        int[] labelledCount = new int[classes];
        int[] correctCount = new int[classes];
        for (int i = 0; i < n; i++) {
            int studentTop = ClassificationScores.argmax(student, i, classes);
            int referenceTop = ClassificationScores.argmax(reference, i, classes);
            studentCount[studentTop]++;
            referenceCount[referenceTop]++;
            if (studentTop == referenceTop) {
                agreeing++;
                agreeingCount[referenceTop]++;
            }
            if (labels[i] >= 0) {
                labelled++;
                labelledCount[labels[i]]++;
                if (studentTop == labels[i]) {
                    correct++;
                    correctCount[labels[i]]++;
                }
            }
            for (int c = 0; c < classes; c++) {
                double p = reference[i * classes + c];
                if (p > 0) {
                    klSum += p * (Math.log(p) - Math.log(Math.max(student[i * classes + c], FLOOR)));
                }
            }
        }
        List<ClassScores> perClass = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            perClass.add(new ClassScores(referenceCount[c],
                    referenceCount[c] == 0 ? 0f : (float) agreeingCount[c] / referenceCount[c],
                    labelledCount[c] == 0 ? null : (float) correctCount[c] / labelledCount[c],
                    (float) studentCount[c] / n, (float) referenceCount[c] / n));
        }
        Float accuracy = labelled == 0 ? null : (float) correct / labelled;
        return new HoldoutScores(n, (float) agreeing / n, (float) (klSum / n), accuracy, perClass);
    }
}

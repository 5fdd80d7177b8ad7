package io.kdstream.core.eval;

/**
 * Accuracy and macro-averaged F1 from predicted and true classes.
 *
 * <p>Macro F1 averages each class's F1 = 2·precision·recall / (precision + recall) with equal weight, so a model
 * that neglects a rare class is not hidden by the common ones; a class never predicted nor present scores 0.
 */
public record ClassificationScores(int examples, double accuracy, double macroF1) {

    public static ClassificationScores of(int[] predicted, int[] actual, int classes) {
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + actual.length + " labels");
        }
        long[] truePositives = new long[classes];
        long[] predictedCount = new long[classes];
        long[] actualCount = new long[classes];
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            predictedCount[predicted[i]]++;
            actualCount[actual[i]]++;
            if (predicted[i] == actual[i]) {
                truePositives[actual[i]]++;
                correct++;
            }
        }
        double f1Sum = 0;
        for (int c = 0; c < classes; c++) {
            double precision = predictedCount[c] == 0 ? 0 : (double) truePositives[c] / predictedCount[c];
            double recall = actualCount[c] == 0 ? 0 : (double) truePositives[c] / actualCount[c];
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        double accuracy = predicted.length == 0 ? 0 : (double) correct / predicted.length;
        return new ClassificationScores(predicted.length, accuracy, f1Sum / classes);
    }

    /** The index of the largest value in row {@code row} of a row-major {@code (rows, classes)} matrix. */
    public static int argmax(float[] rowMajor, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (rowMajor[row * classes + c] > rowMajor[row * classes + best]) {
                best = c;
            }
        }
        return best;
    }
}

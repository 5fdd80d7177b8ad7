package io.kdstream.gateway.models;

import java.util.List;

import io.kdstream.core.model.Classifier;
import io.kdstream.gateway.examples.LabelledExample;

/**
 * One model's answers on a sample of labelled examples: its top class per example, whether that matches the
 * teacher's, and its KL(teacher ‖ model) at temperature 1 per example. Models run in batches of {@value #BATCH} so a
 * large sample or a CNN student does not take one huge native allocation.
 */
record ExampleAnswers(int[] top, boolean[] agrees, double[] kls, String problem) {

    static final int BATCH = 256;
    private static final double KL_FLOOR = 1e-8;

    /**
     * @param inputRows one input per example on the model's scale
     * @return the answers, or answers with a {@code problem} naming the first non-finite or unnormalised output
     */
    static ExampleAnswers of(Classifier model, List<float[]> inputRows, List<LabelledExample> examples) {
        int n = examples.size();
        int inputSize = model.inputSize();
        int classes = model.classes();
        int[] top = new int[n];
        boolean[] agrees = new boolean[n];
        double[] kls = new double[n];
        for (int start = 0; start < n; start += BATCH) {
            int rows = Math.min(BATCH, n - start);
            float[] batch = new float[rows * inputSize];
            for (int row = 0; row < rows; row++) {
                System.arraycopy(inputRows.get(start + row), 0, batch, row * inputSize, inputSize);
            }
            float[] probabilities = model.probabilities(batch, rows, 1f);
            for (int row = 0; row < rows; row++) {
                LabelledExample example = examples.get(start + row);
                double sum = 0;
                int best = 0;
                double kl = 0;
                for (int k = 0; k < classes; k++) {
                    float p = probabilities[row * classes + k];
                    if (!Float.isFinite(p)) {
                        return failed(n, "recent example at " + example.partition() + "@" + example.offset()
                                + " gave probability " + p + " for class " + k);
                    }
                    sum += p;
                    if (p > probabilities[row * classes + best]) {
                        best = k;
                    }
                    float t = example.teacher()[k];
                    if (t > 0) {
                        kl += t * Math.log(t / Math.max(p, KL_FLOOR));
                    }
                }
                if (Math.abs(sum - 1) > 1e-3) {
                    return failed(n, "recent example at " + example.partition() + "@" + example.offset()
                            + " gave probabilities summing to " + sum + " instead of 1");
                }
                top[start + row] = best;
                agrees[start + row] = best == example.teacherClass();
                kls[start + row] = kl;
            }
        }
        return new ExampleAnswers(top, agrees, kls, null);
    }

    static ExampleAnswers failed(int n, String problem) {
        return new ExampleAnswers(new int[n], new boolean[n], new double[n], problem);
    }

    /** Mean KL(teacher ‖ model); NaN on no examples. */
    double kl() {
        double sum = 0;
        for (double kl : kls) {
            sum += kl;
        }
        return kls.length == 0 ? Double.NaN : sum / kls.length;
    }

    double agreement() {
        int hits = 0;
        for (boolean agree : agrees) {
            hits += agree ? 1 : 0;
        }
        return agrees.length == 0 ? Double.NaN : (double) hits / agrees.length;
    }

    /** Share of examples with a true label that the model gets right; NaN when none has one. */
    double accuracy(List<LabelledExample> examples) {
        int labelled = 0;
        int correct = 0;
        for (int i = 0; i < examples.size(); i++) {
            if (examples.get(i).hasTrueLabel()) {
                labelled++;
                correct += top[i] == examples.get(i).trueLabel() ? 1 : 0;
            }
        }
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
}

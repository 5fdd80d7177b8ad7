package io.kdstream.app.bench;

import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.eval.ClassificationScores;
import io.kdstream.core.model.Classifier;

/** The test images a benchmark scores on, with the teacher's top class for each, to measure agreement. */
record TestSet(float[] inputs, int[] labels, int[] teacherTop, int classes) {

    static TestSet of(LabeledImages images, Classifier teacher) {
        return of(BenchStreams.unitInputs(images), images.labels().clone(), teacher);
    }

    /** Inputs on the model's scale, one row per label, with the teacher's answers on them. */
    static TestSet of(float[] inputs, int[] labels, Classifier teacher) {
        int classes = teacher.classes();
        return new TestSet(inputs, labels, topClasses(teacher.probabilities(inputs, labels.length, 1f), labels.length, classes),
                classes);
    }

    int count() {
        return labels.length;
    }

    /** Accuracy against the true labels and top-1 agreement with the teacher. */
    Score score(float[] probabilities) {
        int[] top = topClasses(probabilities, count(), classes);
        int correct = 0;
        int agreeing = 0;
        for (int i = 0; i < count(); i++) {
            correct += top[i] == labels[i] ? 1 : 0;
            agreeing += top[i] == teacherTop[i] ? 1 : 0;
        }
        return new Score((double) correct / count(), (double) agreeing / count());
    }

    /** Macro-averaged F1 of a model's top classes against the true labels. */
    double macroF1(float[] probabilities) {
        return ClassificationScores.of(topClasses(probabilities, count(), classes), labels, classes).macroF1();
    }

    double teacherMacroF1() {
        return ClassificationScores.of(teacherTop, labels, classes).macroF1();
    }

    double teacherAccuracy() {
        int correct = 0;
        for (int i = 0; i < count(); i++) {
            correct += teacherTop[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / count();
    }

    private static int[] topClasses(float[] probabilities, int rows, int classes) {
        int[] top = new int[rows];
        for (int i = 0; i < rows; i++) {
            top[i] = ClassificationScores.argmax(probabilities, i, classes);
        }
        return top;
    }

    record Score(double accuracy, double agreement) {
    }
}

package io.kdstream.gateway.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.gateway.examples.LabelledExample;

/** Labelled examples and doctored weights for the paired gate's tests. */
public final class GateExamples {

    private GateExamples() {
    }

    /**
     * {@code n} Fashion-MNIST test images at offsets 0.. of partition 0, labelled by {@code teacherWeights} as a
     * confident teacher would (its top class at probability 0.91, the rest 0.01 each).
     */
    public static List<LabelledExample> labelledBy(byte[] teacherWeights, int n) {
        LabeledImages images = FashionSlices.test(n);
        List<LabelledExample> examples = new ArrayList<>();
        try (Classifier teacher = Classifier.fromWeights(TestCheckpoints.ARCHITECTURE, teacherWeights, Device.cpu())) {
            for (int i = 0; i < n; i++) {
                float[] image = new float[TestCheckpoints.INPUT_SIZE];
                images.writeUnitFloats(i, image, 0);
                float[] probabilities = teacher.probabilities(image, 1, 1f);
                int top = 0;
                for (int k = 1; k < probabilities.length; k++) {
                    top = probabilities[k] > probabilities[top] ? k : top;
                }
                float[] soft = new float[probabilities.length];
                Arrays.fill(soft, 0.01f);
                soft[top] = 1 - 0.01f * (soft.length - 1);
                examples.add(new LabelledExample(0, i, images.tensor(i), soft, images.label(i)));
            }
        }
        return examples;
    }

    /**
     * Good weights whose output bias for each of {@code classes} is about −32768 (bytes C7 00 00 C7 read the same in
     * either byte order), so the model never answers those classes.
     */
    /**
     * {@link #withoutClasses} for the rarest classes the labels name, taken until they hold at least {@code share} of
     * the labels: a model trained for a few steps answers only some classes, and which ones varies between runs, so
     * fixed class indices could remove classes it never answers (no drop) or its main ones (below every floor).
     */
    public static byte[] withoutRareClasses(byte[] weights, List<LabelledExample> labels, double share) {
        int[] counts = new int[TestCheckpoints.ARCHITECTURE.classes()];
        labels.forEach(example -> counts[example.teacherClass()]++);
        List<Integer> removed = new ArrayList<>();
        int covered = 0;
        for (int k : java.util.stream.IntStream.range(0, counts.length).boxed().filter(k -> counts[k] > 0)
                .sorted((a, b) -> Integer.compare(counts[a], counts[b])).toList()) {
            if (covered >= share * labels.size()) {
                break;
            }
            removed.add(k);
            covered += counts[k];
        }
        return withoutClasses(weights, removed.stream().mapToInt(Integer::intValue).toArray());
    }

    public static byte[] withoutClasses(byte[] weights, int... classes) {
        byte[] doctored = weights.clone();
        int biasStart = doctored.length - 4 * TestCheckpoints.ARCHITECTURE.classes();
        for (int k : classes) {
            int at = biasStart + 4 * k;
            doctored[at] = (byte) 0xC7;
            doctored[at + 1] = 0;
            doctored[at + 2] = 0;
            doctored[at + 3] = (byte) 0xC7;
        }
        return doctored;
    }
}

package io.kdstream.gateway.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kdstream.core.model.Classifier;
import io.kdstream.gateway.examples.LabelledExample;

/**
 * The answers of the last few models the paired gate ran, per example, so a gate runs a model only on examples it
 * has not answered yet. A candidate that passes is the next gate's served model, and consecutive gates share most of
 * their examples (the newest unseen ones), so the served model's forward pass is mostly, often wholly, saved.
 *
 * <p>Models are told apart by their loaded classifier (a candidate that passes is served as the very same object),
 * examples by identity: the gate's sample holds the same example
 * objects from one gate to the next while they stay in {@link io.kdstream.gateway.examples.RecentExamples}, and a
 * re-created topic's reused offsets cannot be mistaken for them. Only the {@value #MODELS}
 * models used last are kept, each with the answers of its latest sample. Not thread-safe: the gate runs on the
 * checkpoint thread.
 */
final class AnswerMemo {

    static final int MODELS = 2;

    private record Answer(int top, double kl) {
    }

    private final LinkedHashMap<Classifier, Map<LabelledExample, Answer>> byModel = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Classifier, Map<LabelledExample, Answer>> eldest) {
            return size() > MODELS;
        }
    };

    /**
     * The model's answers on {@code examples}, running it only on those it has not answered before.
     *
     * @param inputs one row per example on the model's scale, row-major, in the order of {@code examples}
     */
    ExampleAnswers answers(Classifier classifier, List<LabelledExample> examples, float[] inputs) {
        Map<LabelledExample, Answer> known = byModel.computeIfAbsent(classifier, m -> new IdentityHashMap<>());
        int inputSize = classifier.inputSize();
        List<LabelledExample> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            if (!known.containsKey(examples.get(i))) {
                missing.add(examples.get(i));
                missingAt.add(i);
            }
        }
        if (!missing.isEmpty()) {
            float[] missingInputs = new float[missing.size() * inputSize];
            for (int j = 0; j < missing.size(); j++) {
                System.arraycopy(inputs, missingAt.get(j) * inputSize, missingInputs, j * inputSize, inputSize);
            }
            ExampleAnswers fresh = ExampleAnswers.of(classifier, missingInputs, missing);
            if (fresh.problem() != null) {
                byModel.remove(classifier);
                return ExampleAnswers.failed(examples.size(), fresh.problem());
            }
            for (int j = 0; j < missing.size(); j++) {
                known.put(missing.get(j), new Answer(fresh.top()[j], fresh.kls()[j]));
            }
        }
        int n = examples.size();
        int[] top = new int[n];
        boolean[] agrees = new boolean[n];
        double[] kls = new double[n];
        Set<LabelledExample> sample = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < n; i++) {
            Answer answer = known.get(examples.get(i));
            sample.add(examples.get(i));
            top[i] = answer.top();
            agrees[i] = answer.top() == examples.get(i).teacherClass();
            kls[i] = answer.kl();
        }
        known.keySet().retainAll(sample);
        return new ExampleAnswers(top, agrees, kls, null);
    }
}

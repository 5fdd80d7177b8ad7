package io.kdstream.gateway.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kdstream.core.model.Classifier;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.InvalidTensorException;
import io.kdstream.gateway.examples.LabelledExample;

/**
 * The decoded inputs of the gate's latest sample and the answers of the last few models the paired gate ran, per
 * example, so a gate decodes an example once and runs a model only on examples it has not answered yet. A candidate that passes is the next gate's served model, and consecutive gates share most of
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

    private final Map<LabelledExample, float[]> inputs = new IdentityHashMap<>();
    private TaskContract inputsTask;
    private final LinkedHashMap<Classifier, Map<LabelledExample, Answer>> byModel = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Classifier, Map<LabelledExample, Answer>> eldest) {
            return size() > MODELS;
        }
    };

    /**
     * The example's input on {@code task}'s scale, decoded once while the example stays in the samples, or null when
     * its tensor does not fit the task.
     */
    float[] input(TaskContract task, LabelledExample example) {
        if (inputsTask == null || inputsTask.mismatchWith(task) != null) {
            inputs.clear();
            inputsTask = task;
        }
        float[] row = inputs.get(example);
        if (row == null) {
            try {
                row = task.toModelInput(example.input());
            } catch (InvalidTensorException e) {
                return null;
            }
            inputs.put(example, row);
        }
        return row;
    }

    /** Forgets the decoded inputs of examples that are not in {@code sample}, the latest one. */
    void retainInputs(List<LabelledExample> sample) {
        Set<LabelledExample> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(sample);
        inputs.keySet().retainAll(kept);
    }

    /**
     * The model's answers on {@code examples}, running it only on those it has not answered before.
     *
     * @param rows each example's input on the model's scale, in the order of {@code examples}
     */
    ExampleAnswers answers(Classifier classifier, List<LabelledExample> examples, List<float[]> rows) {
        Map<LabelledExample, Answer> known = byModel.computeIfAbsent(classifier, m -> new IdentityHashMap<>());
        List<LabelledExample> missing = new ArrayList<>();
        List<float[]> missingRows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            if (!known.containsKey(examples.get(i))) {
                missing.add(examples.get(i));
                missingRows.add(rows.get(i));
            }
        }
        if (!missing.isEmpty()) {
            ExampleAnswers fresh = ExampleAnswers.of(classifier, missingRows, missing);
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

package io.kdstream.trainer.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.trainer.labels.Example;

/**
 * The newest held-out examples, by request id, that score every checkpoint. Keyed by request id so that a record
 * read twice (after a rewind) is held once.
 */
public final class HoldoutSet {

    private final Map<String, Example> examples;

    public HoldoutSet(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("holdout capacity must be >= 1 but is " + capacity);
        }
        this.examples = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Example> eldest) {
                return size() > capacity;
            }
        };
    }

    public void add(Example example) {
        examples.remove(example.requestId());
        examples.put(example.requestId(), example);
    }

    /** Fills in a true label that arrived after the example. */
    public boolean updateLabel(String requestId, int label) {
        Example example = examples.get(requestId);
        if (example == null) {
            return false;
        }
        examples.put(requestId, example.withTrueLabel(label));
        return true;
    }

    /** A copy, oldest first, safe to hand to the training thread. */
    public List<Example> examples() {
        return List.copyOf(examples.values());
    }

    public int size() {
        return examples.size();
    }
}

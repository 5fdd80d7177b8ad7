package io.kdstream.trainer.labels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Late true labels by request id, the newest {@code capacity} of them. A true label may reach the trainer before
 * its soft label (the teacher adds latency) or after it; this cache serves the first case, and the replay buffer
 * and holdout set are updated in place for the second.
 */
public final class GroundTruthCache {

    private final Map<String, Integer> labels;

    public GroundTruthCache(int capacity) {
        this.labels = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > capacity;
            }
        };
    }

    public void put(String requestId, int label) {
        labels.put(requestId, label);
    }

    public OptionalInt get(String requestId) {
        Integer label = labels.get(requestId);
        return label == null ? OptionalInt.empty() : OptionalInt.of(label);
    }

    /** The example with its true label filled in from the cache, when it has none of its own. */
    public Example complete(Example example) {
        if (example.hasTrueLabel()) {
            return example;
        }
        Integer label = labels.get(example.requestId());
        return label == null ? example : example.withTrueLabel(label);
    }

    public int size() {
        return labels.size();
    }
}

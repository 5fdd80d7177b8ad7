package io.kdstream.trainer.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.kdstream.trainer.labels.Example;

/**
 * A uniform sample of every example trained on so far (reservoir sampling), mixed into new batches so that the
 * student keeps what it learnt from older traffic while it follows the newest.
 *
 * <p>Not thread-safe: the poll loop owns it. Lost on a crash, which only means replays restart from recent traffic.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final Random random;
    private final List<Example> examples = new ArrayList<>();
    private final Map<String, Integer> slots = new HashMap<>();
    private long offered;

    public ReplayBuffer(int capacity, Random random) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay capacity must be >= 1 but is " + capacity);
        }
        this.capacity = capacity;
        this.random = random;
    }

    /** Keeps the example with probability capacity / examples offered so far. */
    public void add(Example example) {
        offered++;
        if (examples.size() < capacity) {
            place(examples.size(), example);
            return;
        }
        long slot = random.nextLong(offered);
        if (slot < capacity) {
            slots.remove(examples.get((int) slot).requestId());
            place((int) slot, example);
        }
    }

    /** {@code count} distinct examples chosen at random, or all of them when the buffer holds fewer. */
    public List<Example> sample(int count) {
        if (count >= examples.size()) {
            return List.copyOf(examples);
        }
        Set<Integer> chosen = new HashSet<>();
        List<Example> out = new ArrayList<>(count);
        while (out.size() < count) {
            int index = random.nextInt(examples.size());
            if (chosen.add(index)) {
                out.add(examples.get(index));
            }
        }
        return out;
    }

    /** Fills in a true label that arrived after the example; false when the example is not in the buffer. */
    public boolean updateLabel(String requestId, int label) {
        Integer slot = slots.get(requestId);
        if (slot == null) {
            return false;
        }
        examples.set(slot, examples.get(slot).withTrueLabel(label));
        return true;
    }

    public int size() {
        return examples.size();
    }

    private void place(int slot, Example example) {
        if (slot == examples.size()) {
            examples.add(example);
        } else {
            examples.set(slot, example);
        }
        slots.put(example.requestId(), slot);
    }
}

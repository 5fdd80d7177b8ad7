package io.kdstream.core.distill;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks loss weights: each must be finite and ≥ 0. A NaN or infinite weight would turn every step's loss into
 * NaN, and a negative one would train the student away from the teacher. Every bad weight is named at once.
 */
final class LossWeights {

    private final List<String> problems = new ArrayList<>();

    /** Notes a problem when {@code weight} is negative or not finite. */
    LossWeights check(String name, float weight) {
        if (!(weight >= 0) || !Float.isFinite(weight)) {
            problems.add("weight '" + name + "' must be finite and >= 0 but is " + weight);
        }
        return this;
    }

    /** @throws IllegalArgumentException listing every problem noted, prefixed by {@code what} */
    void throwIfAny(String what) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(what + ": " + String.join("; ", problems));
        }
    }
}

package io.kdstream.trainer.testing;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

import io.kdstream.trainer.TrainerConfig;
import io.kdstream.core.eval.HoldoutSlice;

/**
 * The holdout key every trainer test runs its trainers with ({@value TrainerConfig#HOLDOUT_KEY}), so that a test
 * can count which of its records the trainer holds out, and no test leaves a generated key in the home folder.
 */
public final class TestHoldout {

    public static final String KEY = "kd-stream test holdout key, not a secret";

    private TestHoldout() {
    }

    public static HoldoutSlice slice(int permille) {
        return new HoldoutSlice(permille, KEY.getBytes(StandardCharsets.UTF_8));
    }

    /** How many of the ids {@code ids(0) .. ids(count - 1)} a trainer holding out {@code permille} holds out. */
    public static int heldOut(IntFunction<String> ids, int count, int permille) {
        HoldoutSlice slice = slice(permille);
        int held = 0;
        for (int i = 0; i < count; i++) {
            held += slice.isHeldOut(ids.apply(i)) ? 1 : 0;
        }
        return held;
    }
}

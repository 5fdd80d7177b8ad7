package io.kdstream.core.testing;

import java.util.List;
import java.util.Random;

import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;

/**
 * Seeded rows of raw-scale tabular features, as a user's CSV file has them: an amount uniform in [0, 500] beside an
 * hour of the day in [0, 24) and a risk in [0, 1]. The class is {@code fraud} when {@code risk + amount / 2500 > 0.6}
 * (about half the rows): the risk decides most of it and the amount shifts the threshold, so a model must weigh
 * features three orders of magnitude apart against each other, and the amount alone guesses little better than chance.
 */
public final class RawScaleRows {

    /** Three named float features, two classes, no value range: the task of a user's card-payment file. */
    public static final TaskContract TASK = new TaskContract("card-fraud", DType.FLOAT32, List.of(3),
            Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, List.of("legit", "fraud"), List.of("amount", "hour", "risk"));

    private RawScaleRows() {
    }

    /** {@code n} rows drawn from {@code seed}. */
    public static LabeledVectors sample(int n, long seed) {
        Random random = new Random(seed);
        float[] values = new float[n * 3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float amount = 500f * random.nextFloat();
            float hour = 24f * random.nextFloat();
            float risk = random.nextFloat();
            values[3 * i] = amount;
            values[3 * i + 1] = hour;
            values[3 * i + 2] = risk;
            labels[i] = risk + amount / 2500f > 0.6f ? 1 : 0;
        }
        return new LabeledVectors(TASK, values, labels);
    }
}

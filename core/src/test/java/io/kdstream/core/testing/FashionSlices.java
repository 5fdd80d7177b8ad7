package io.kdstream.core.testing;

import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledImages;

/** Small, cached slices of Fashion-MNIST for tests: training on the full set would take the suite past its budget. */
public final class FashionSlices {

    private static LabeledImages train;
    private static LabeledImages test;

    private FashionSlices() {
    }

    public static synchronized LabeledImages train(int n) {
        if (train == null) {
            train = FashionMnist.load(FashionMnist.Split.TRAIN);
        }
        return train.head(n);
    }

    public static synchronized LabeledImages test(int n) {
        if (test == null) {
            test = FashionMnist.load(FashionMnist.Split.TEST);
        }
        return test.head(n);
    }
}

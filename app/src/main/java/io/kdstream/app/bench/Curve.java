package io.kdstream.app.bench;

import java.util.ArrayList;
import java.util.List;

/** Test accuracy of one way of training against the number of examples it has trained on, replays included. */
final class Curve {

    private final String name;
    private final List<Long> seen = new ArrayList<>();
    private final List<Double> accuracy = new ArrayList<>();
    private TestSet.Score last;

    Curve(String name) {
        this.name = name;
    }

    void add(long examplesSeen, TestSet.Score score) {
        seen.add(examplesSeen);
        accuracy.add(score.accuracy());
        last = score;
    }

    String name() {
        return name;
    }

    List<Long> seen() {
        return seen;
    }

    List<Double> accuracy() {
        return accuracy;
    }

    /**
     * The largest fall of a point below the best point before it, among the points after warm-up (those past
     * {@code warmUpShare} of the curve's last number of examples seen); 0 when the curve never falls. This is the
     * collapse issue 11 is about: a steadily improving curve scores 0, a one-checkpoint cliff scores its depth.
     */
    double maxDropAfterWarmUp(double warmUpShare) {
        if (seen.isEmpty()) {
            return 0;
        }
        double warmUpEnd = warmUpShare * seen.get(seen.size() - 1);
        double best = Double.NEGATIVE_INFINITY;
        double drop = 0;
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i) > warmUpEnd && best > Double.NEGATIVE_INFINITY) {
                drop = Math.max(drop, best - accuracy.get(i));
            }
            best = Math.max(best, accuracy.get(i));
        }
        return drop;
    }

    /** The score of the last point: the model at the end of its training. */
    TestSet.Score last() {
        if (last == null) {
            throw new IllegalStateException(name + " has no points");
        }
        return last;
    }
}

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

    /** The score of the last point: the model at the end of its training. */
    TestSet.Score last() {
        if (last == null) {
            throw new IllegalStateException(name + " has no points");
        }
        return last;
    }
}

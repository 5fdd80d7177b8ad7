package io.kdstream.monitor.quality;

/** A prediction whose true class is known, from a soft label's true label or from kd-ground-truth. */
public record ScoreCandidate(long modelVersion, int predicted, int actual) {
}

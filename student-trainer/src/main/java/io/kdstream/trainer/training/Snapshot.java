package io.kdstream.trainer.training;

import java.util.Map;

import io.kdstream.schemas.HoldoutScores;

/**
 * The state a checkpoint publishes: the weights to serve, the auxiliary weights a restart needs to continue exactly
 * (the EMA teacher, every mutual peer), keyed by the suffix added to the model name, and the holdout scores.
 */
public record Snapshot(byte[] weights, Map<String, byte[]> auxiliary, HoldoutScores scores) {

    public Snapshot {
        auxiliary = Map.copyOf(auxiliary);
    }
}

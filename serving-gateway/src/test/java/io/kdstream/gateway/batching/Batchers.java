package io.kdstream.gateway.batching;

import java.time.Duration;
import java.util.Arrays;

import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.models.ModelSlot;

/** Micro-batchers whose model call misbehaves, for tests of what the gateway does then. */
public final class Batchers {

    private Batchers() {
    }

    /** Every model call throws {@code failure} (an Error kills the worker). */
    public static MicroBatcher throwing(ModelSlot slot, GatewayMetrics metrics, Throwable failure) {
        return new MicroBatcher(slot, 8, Duration.ofMillis(1), 64, metrics, (model, inputs, rows) -> {
            if (failure instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failure;
        });
    }

    /** Every model call answers NaN probabilities, as a model with broken weights would. */
    public static MicroBatcher answeringNaN(ModelSlot slot, GatewayMetrics metrics) {
        return new MicroBatcher(slot, 8, Duration.ofMillis(1), 64, metrics, (model, inputs, rows) -> {
            float[] probabilities = new float[rows * model.classifier().classes()];
            Arrays.fill(probabilities, Float.NaN);
            return probabilities;
        });
    }
}

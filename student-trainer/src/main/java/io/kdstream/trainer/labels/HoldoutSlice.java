package io.kdstream.trainer.labels;

/**
 * The deterministic share of the stream never trained on: a request is held out when
 * {@code floorMod(requestId.hashCode(), 1000) < permille}. Any service can tell which requests the trainer held out.
 */
public record HoldoutSlice(int permille) {

    public HoldoutSlice {
        if (permille < 0 || permille >= 1000) {
            throw new IllegalArgumentException("holdout permille must be in 0..999 but is " + permille);
        }
    }

    public boolean isHeldOut(String requestId) {
        return Math.floorMod(requestId.hashCode(), 1000) < permille;
    }
}

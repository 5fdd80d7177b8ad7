package io.kdstream.core.tensor;

/** A tensor whose dtype, shape or bytes do not fit what the model expects. The message names both. */
public final class InvalidTensorException extends RuntimeException {

    private final String reason;

    public InvalidTensorException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** A short, bounded reason code for metrics and dead letters: {@code bad-dtype}, {@code bad-shape}, {@code bad-length}, {@code not-finite}. */
    public String reason() {
        return reason;
    }
}

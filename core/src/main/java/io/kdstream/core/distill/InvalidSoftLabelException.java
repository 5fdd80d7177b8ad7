package io.kdstream.core.distill;

/** A soft label that must not be trained on; {@link #reason()} is a bounded code for metrics and dead letters. */
public final class InvalidSoftLabelException extends RuntimeException {

    private final String reason;

    public InvalidSoftLabelException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

package io.kdstream.trainer.labels;

/**
 * A record that cannot be trained on. {@link #reason()} is a short, bounded code (a metric tag and the dead
 * letter's reason); the message says what was expected and what was found.
 */
public final class UnusableRecordException extends RuntimeException {

    private final String reason;

    public UnusableRecordException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

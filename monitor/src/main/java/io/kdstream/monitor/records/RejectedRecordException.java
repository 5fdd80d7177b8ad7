package io.kdstream.monitor.records;

/** A record the monitor cannot use; {@link #reason()} is a bounded code for the dead-letter metric. */
public final class RejectedRecordException extends RuntimeException {

    private final String reason;

    public RejectedRecordException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

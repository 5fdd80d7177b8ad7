package io.kdstream.gateway.models;

/** An admin action that cannot be done in the current serving state (nothing to roll back to, unknown pin target). */
public final class ServingConflictException extends RuntimeException {

    private final String code;

    public ServingConflictException(String code, String detail) {
        super(detail);
        this.code = code;
    }

    /** A short, stable code for clients, such as {@code nothing-to-roll-back-to}. */
    public String code() {
        return code;
    }
}

package io.kdstream.client;

import java.io.IOException;

/**
 * The gateway answered with an error: its HTTP status, its short stable code ({@code bad-shape}, {@code no-model},
 * ...) and the sentence that names what was expected and what was found.
 */
public final class GatewayException extends IOException {

    private final int status;
    private final String error;
    private final String detail;

    public GatewayException(int status, String error, String detail) {
        super(status + " " + error + ": " + detail);
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return detail;
    }

    /** Whether trying again later may succeed: no model served yet, overloaded, timed out (the 503s). */
    public boolean retriable() {
        return status == 503;
    }
}

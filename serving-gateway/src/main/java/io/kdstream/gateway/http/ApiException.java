package io.kdstream.gateway.http;

/**
 * A request the gateway answers with an error: the HTTP status, a short stable code a client can branch on, and a
 * detail sentence for people that says what was expected and what was found. Never logged with a stack trace.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String error;

    public ApiException(int status, String error, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String error, String detail) {
        return new ApiException(400, error, detail);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }
}

package io.kdstream.schemas.serde;

/**
 * Bytes that do not decode as the expected record. Services catch it and send the raw bytes to the
 * dead-letter topic instead of stopping.
 */
public final class RecordDecodingException extends RuntimeException {

    public RecordDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.kdstream.monitor.records;

/**
 * The outcome of reading one record: a value, or the encoded dead letter that replaces it.
 *
 * @param <V> the decoded value
 */
public record Decoded<V>(V value, byte[] deadLetter) {

    public static <V> Decoded<V> of(V value) {
        return new Decoded<>(value, null);
    }

    public static <V> Decoded<V> rejected(byte[] deadLetter) {
        return new Decoded<>(null, deadLetter);
    }

    public boolean isRejected() {
        return deadLetter != null;
    }
}

package io.kdstream.monitor.records;

/**
 * Turns one raw record into the value the topology works with.
 *
 * @param <V> the decoded value
 */
@FunctionalInterface
public interface RecordReader<V> {

    /**
     * @return the value, or null for a record that is fine but of no interest (a checkpoint chunk, a tombstone)
     * @throws RejectedRecordException when the record cannot be used
     */
    V read(byte[] key, byte[] value);
}

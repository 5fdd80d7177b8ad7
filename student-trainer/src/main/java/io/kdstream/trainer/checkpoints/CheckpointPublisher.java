package io.kdstream.trainer.checkpoints;

import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.kdstream.core.kafka.TransactionErrors;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The trainer's transactional producer. A transaction opens with the first record after a commit (a dead letter
 * or a checkpoint) and commits with a checkpoint and the consumed offsets, so everything the trainer writes about
 * a stretch of input becomes visible together, or not at all. A commit or abort that times out (the broker is away)
 * is made again while the trainer runs, as the producer requires; errors are sorted by {@link TransactionErrors}.
 */
public final class CheckpointPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final BooleanSupplier keepTrying;
    private boolean inTransaction;

    /** @param keepTrying whether a timed-out commit or abort is made again (true while the trainer runs) */
    public CheckpointPublisher(Producer<byte[], byte[]> producer, BooleanSupplier keepTrying) {
        this.producer = producer;
        this.keepTrying = keepTrying;
    }
    /** Registers the transactional id, fencing any older producer with it and ending its open transaction. */
    public void init() {
        producer.initTransactions();
    }

    /** Sends a record inside the current transaction, opening one if needed. */
    public void send(ProducerRecord<byte[], byte[]> record) {
        begin();
        producer.send(record);
    }

    /** Sends the records, adds the offsets and commits: the checkpoint and its input become visible together. */
    public void commit(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                       ConsumerGroupMetadata group) {
        begin();
        for (ProducerRecord<byte[], byte[]> record : records) {
            producer.send(record);
        }
        producer.sendOffsetsToTransaction(offsets, group);
        TransactionErrors.retryingTimeouts(producer::commitTransaction, keepTrying, "checkpoint commit");
        inTransaction = false;
    }

    /** Aborts the open transaction, if any. */
    public void abort() {
        if (inTransaction) {
            TransactionErrors.retryingTimeouts(producer::abortTransaction, keepTrying, "checkpoint transaction abort");
            inTransaction = false;
        }
    }

    public boolean inTransaction() {
        return inTransaction;
    }

    @Override
    public void close() {
        producer.close();
    }

    private void begin() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }
}

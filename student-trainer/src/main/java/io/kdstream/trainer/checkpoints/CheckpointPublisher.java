package io.kdstream.trainer.checkpoints;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;

/**
 * The trainer's transactional producer. A transaction opens with the first record after a commit (a dead letter
 * or a checkpoint) and commits with a checkpoint and the consumed offsets, so everything the trainer writes about
 * a stretch of input becomes visible together, or not at all.
 */
public final class CheckpointPublisher implements AutoCloseable {

    /** What a failed transactional call means for the trainer, after Kafka's classification of its errors. */
    public enum Failure {
        /** Another producer with the same transactional id took over: this instance must stop. */
        FENCED,
        /** The transaction cannot commit but the producer is fine: abort, rewind to the last commit, go on. */
        ABORTABLE,
        /** The producer is unusable (configuration, authorisation, protocol): stop and report. */
        FATAL
    }

    private final Producer<byte[], byte[]> producer;
    private boolean inTransaction;

    public CheckpointPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
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
        producer.commitTransaction();
        inTransaction = false;
    }

    /** Aborts the open transaction, if any. */
    public void abort() {
        if (inTransaction) {
            inTransaction = false;
            producer.abortTransaction();
        }
    }

    public boolean inTransaction() {
        return inTransaction;
    }

    /**
     * Sorts an error of a transactional call (or its causes) the way KIP-1050 does: fencing, abortable
     * (including retriable errors that ran out of time), and everything else fatal.
     */
    public static Failure classify(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException
                    || cause instanceof TransactionCoordinatorFencedException) {
                return Failure.FENCED;
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof TransactionAbortableException || cause instanceof RetriableException) {
                return Failure.ABORTABLE;
            }
        }
        return Failure.FATAL;
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

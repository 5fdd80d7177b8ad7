package io.kdstream.trainer.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdstream.trainer.checkpoints.CheckpointPublisher.Failure;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class CheckpointPublisherTest {

    @Test
    void shouldStopWhenAnotherInstanceOwnsTheTransactionalId() {
        assertThat(CheckpointPublisher.classify(new ProducerFencedException("newer producer"))).isEqualTo(Failure.FENCED);
        assertThat(CheckpointPublisher.classify(new KafkaException("error state", new InvalidProducerEpochException("bumped"))))
                .isEqualTo(Failure.FENCED);
    }

    @Test
    void shouldAbortAndRewindWhenOnlyTheTransactionIsLost() {
        assertThat(CheckpointPublisher.classify(new TransactionAbortableException("abort"))).isEqualTo(Failure.ABORTABLE);
        assertThat(CheckpointPublisher.classify(new KafkaException("wrapped", new TimeoutException("no ack")))).isEqualTo(Failure.ABORTABLE);
    }

    @Test
    void shouldTreatEverythingElseAsFatal() {
        assertThat(CheckpointPublisher.classify(new InvalidConfigurationException("bad"))).isEqualTo(Failure.FATAL);
        assertThat(CheckpointPublisher.classify(new TransactionalIdAuthorizationException("denied"))).isEqualTo(Failure.FATAL);
        assertThat(CheckpointPublisher.classify(new OutOfOrderSequenceException("lost"))).isEqualTo(Failure.FATAL);
        assertThat(CheckpointPublisher.classify(new KafkaException("unknown"))).isEqualTo(Failure.FATAL);
    }
}

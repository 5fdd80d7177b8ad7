package io.kdstream.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import io.kdstream.core.kafka.TransactionErrors.Kind;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class TransactionErrorsTest {

    @Test
    void shouldRetryATimedOutCommitInsteadOfAbortingIt() {
        assertThat(TransactionErrors.classify(new TimeoutException("commit timed out"))).isEqualTo(Kind.RETRIABLE);
    }

    @Test
    void shouldAbortWhenATimeoutPutTheTransactionInAnErrorState() {
        KafkaException wrapped = new KafkaException("Cannot execute transactional method because we are in an error state",
                new TimeoutException("expiring 3 records"));

        assertThat(TransactionErrors.classify(wrapped)).isEqualTo(Kind.ABORTABLE);
    }

    @Test
    void shouldTreatAnInvalidProducerEpochAsATimedOutTransactionNotAsFencing() {
        assertThat(TransactionErrors.classify(new InvalidProducerEpochException("epoch bumped"))).isEqualTo(Kind.ABORTABLE);
        assertThat(TransactionErrors.classify(new KafkaException(new InvalidProducerEpochException("epoch bumped"))))
                .isEqualTo(Kind.ABORTABLE);
    }

    @Test
    void shouldTreatFencingAsFencedWhereverItIsInTheCauses() {
        assertThat(TransactionErrors.classify(new ProducerFencedException("newer producer"))).isEqualTo(Kind.FENCED);
        assertThat(TransactionErrors.classify(new KafkaException(new ProducerFencedException("newer producer"))))
                .isEqualTo(Kind.FENCED);
        assertThat(TransactionErrors.classify(new FencedInstanceIdException("static member"))).isEqualTo(Kind.FENCED);
    }

    @Test
    void shouldTreatTheProducersDocumentedFatalErrorsAsFatal() {
        assertThat(TransactionErrors.classify(new OutOfOrderSequenceException("lost state"))).isEqualTo(Kind.FATAL);
        assertThat(TransactionErrors.classify(new AuthorizationException("denied"))).isEqualTo(Kind.FATAL);
        assertThat(TransactionErrors.classify(new UnsupportedVersionException("old broker"))).isEqualTo(Kind.FATAL);
        assertThat(TransactionErrors.classify(new IllegalStateException("not transactional"))).isEqualTo(Kind.FATAL);
        assertThat(TransactionErrors.classify(new OutOfMemoryError("heap"))).isEqualTo(Kind.FATAL);
    }

    @Test
    void shouldAbortAndRetryEveryOtherKafkaError() {
        assertThat(TransactionErrors.classify(new TransactionAbortableException("abortable"))).isEqualTo(Kind.ABORTABLE);
        assertThat(TransactionErrors.classify(new RecordTooLargeException("too large"))).isEqualTo(Kind.ABORTABLE);
        assertThat(TransactionErrors.classify(new CommitFailedException("rebalanced"))).isEqualTo(Kind.ABORTABLE);
    }

    @Test
    void shouldCallAgainAfterEachTimeoutUntilTheCallSucceeds() {
        AtomicInteger calls = new AtomicInteger();

        TransactionErrors.retryingTimeouts(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new TimeoutException("broker away");
            }
        }, () -> true, "commit");

        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldGiveUpWithTheTimeoutWhenToldToStopTrying() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> TransactionErrors.retryingTimeouts(() -> {
            calls.incrementAndGet();
            throw new TimeoutException("broker away");
        }, () -> calls.get() < 2, "commit")).isInstanceOf(TimeoutException.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void shouldNotRetryOtherErrors() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> TransactionErrors.retryingTimeouts(() -> {
            calls.incrementAndGet();
            throw new ProducerFencedException("newer producer");
        }, () -> true, "commit")).isInstanceOf(ProducerFencedException.class);
        assertThat(calls).hasValue(1);
    }
}

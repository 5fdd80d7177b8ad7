package io.kdstream.core.kafka;

import java.util.function.BooleanSupplier;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an error of a transactional producer call means for the service that made it, after the contract in
 * {@code KafkaProducer}'s javadoc. The teacher and the trainer both decide with this one classifier.
 */
public final class TransactionErrors {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionErrors.class);
    private static final long TIMEOUT_BACKOFF_MS = 1_000;

    /** The four ways a failed transactional call can go. */
    public enum Kind {
        /** Another instance took over the transactional id or group membership: stop for good, a restart won't help. */
        FENCED,
        /**
         * The call's outcome is unknown because it ran out of {@code max.block.ms}: make the same call again (a
         * timed-out {@code commitTransaction} may neither be aborted nor followed by any other call).
         */
        RETRIABLE,
        /** The transaction cannot commit but the producer is fine: abort, rewind to the last commit, go on. */
        ABORTABLE,
        /** The producer is unusable, or the error is not Kafka's: stop and report, so a supervisor restarts us. */
        FATAL
    }

    private TransactionErrors() {
    }

    /**
     * Fencing anywhere in the causes is fenced ({@code InvalidProducerEpochException} is not: the broker bumps the
     * epoch when a transaction times out, and the producer aborts and goes on); the producer's documented fatal errors
     * anywhere in the causes are fatal; a {@link TimeoutException} thrown by the call itself is retriable; any other
     * {@link KafkaException} (including a timeout that put the transaction in an error state) is abortable; anything
     * else is fatal.
     */
    public static Kind classify(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof FencedInstanceIdException
                    || cause instanceof TransactionCoordinatorFencedException) {
                return Kind.FENCED;
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfOrderSequenceException || cause instanceof AuthorizationException
                    || cause instanceof AuthenticationException || cause instanceof UnsupportedVersionException
                    || cause instanceof InvalidConfigurationException) {
                return Kind.FATAL;
            }
        }
        if (error instanceof TimeoutException) {
            return Kind.RETRIABLE;
        }
        return error instanceof KafkaException ? Kind.ABORTABLE : Kind.FATAL;
    }

    /**
     * Runs a blocking transactional call ({@code commitTransaction}, {@code abortTransaction}) and makes it again after
     * each {@link TimeoutException}, as the producer requires, for as long as {@code keepTrying} says so; a broker that
     * is away for minutes only delays the call.
     *
     * @throws TimeoutException the last timeout, once {@code keepTrying} is false
     */
    public static void retryingTimeouts(Runnable call, BooleanSupplier keepTrying, String what) {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                if (attempt > 1) {
                    LOG.info("The {} went through after {} attempts", what, attempt);
                }
                return;
            } catch (TimeoutException e) {
                if (!keepTrying.getAsBoolean()) {
                    throw e;
                }
                LOG.warn("The {} timed out (attempt {}); making it again, as the producer requires: {}", what, attempt,
                        e.getMessage());
                sleep(TIMEOUT_BACKOFF_MS);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kdstream.gateway.checkpoints;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.schemas.ServingDecision;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Keeps admins' serving decisions (rollbacks, pins) on the compacted checkpoint topic under the model's decision key,
 * where every gateway's {@link CheckpointFollower} reads them, and waits until the broker has them: an admin call
 * answers only once the decision will survive a restart.
 */
public final class ServingDecisionWriter implements Consumer<ServingDecision>, AutoCloseable {

    private static final Duration ACKNOWLEDGED_WITHIN = Duration.ofSeconds(10);

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public ServingDecisionWriter(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** @throws IllegalStateException when the broker did not take the decision within 10 s */
    @Override
    public void accept(ServingDecision decision) {
        byte[] key = Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.servingDecisionKey(decision.getModel()));
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, Codecs.SERVING_DECISION.encode(decision)))
                    .get(ACKNOWLEDGED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(topic + " refused it: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(topic + " did not acknowledge it within " + ACKNOWLEDGED_WITHIN.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing it to " + topic, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("it could not be sent to " + topic + ": " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(2));
    }
}

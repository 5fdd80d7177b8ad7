package io.kdstream.app.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.app.demo.GatewayClient;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replayed examples as client requests to the gateway's {@code POST /v1/predict}, the way production traffic
 * arrives: the gateway answers, records its prediction and shadows a share to the teacher. The true label,
 * when known, follows on the ground-truth topic, as a late label would, when a ground-truth topic is given.
 */
public final class GatewayTrafficSink implements TrafficSink {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayTrafficSink.class);

    private final GatewayClient gateway;
    private final Producer<byte[], byte[]> groundTruth;
    private final String groundTruthTopic;
    private final AtomicLong failures = new AtomicLong();

    /** @param kafkaSettings settings of the ground-truth producer, or null to send no ground truth */
    public GatewayTrafficSink(String gatewayUrl, Map<String, Object> kafkaSettings, String groundTruthTopic, String clientId) {
        this.gateway = new GatewayClient(gatewayUrl);
        this.groundTruth = kafkaSettings == null ? null : new KafkaProducer<>(KafkaClients.producer(kafkaSettings, clientId));
        this.groundTruthTopic = groundTruthTopic;
    }

    @Override
    public void send(String requestId, TaskContract task, LabeledExample example) {
        try {
            GatewayClient.Answer answer = gateway.predict(requestId, example.input());
            if (answer.status() != 200 && answer.status() != 503) {
                failures.incrementAndGet();
                LOG.warn("Gateway answered {} to {}: {}", answer.status(), requestId, answer.body());
            }
        } catch (IOException e) {
            failures.incrementAndGet();
            LOG.warn("Gateway request {} failed: {}", requestId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (groundTruth != null && example.hasLabel()) {
            GroundTruth truth = new GroundTruth(requestId, Instant.now(), example.label());
            groundTruth.send(new ProducerRecord<>(groundTruthTopic, requestId.getBytes(StandardCharsets.UTF_8),
                    Codecs.GROUND_TRUTH.encode(truth)));
        }
    }

    /** Requests that failed or got an unexpected status (503 before the first model is not counted). */
    public long failures() {
        return failures.get();
    }

    @Override
    public void flush() {
        if (groundTruth != null) {
            groundTruth.flush();
        }
    }

    @Override
    public void close() {
        if (groundTruth != null) {
            groundTruth.close(Duration.ofSeconds(5));
        }
    }
}

package io.kdstream.app.replay;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.client.GatewayClient;
import io.kdstream.client.GatewayException;
import io.kdstream.client.ShadowClient;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.task.TaskContract;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replayed examples as client requests to the gateway's {@code POST /v1/predict}, the way production traffic
 * arrives: the gateway answers, records its prediction and shadows a share to the teacher. The true label, when
 * known, follows on the ground-truth topic, as a late label would, through the {@link ShadowClient} a user's own
 * service would use, when a ground-truth topic is given.
 */
public final class GatewayTrafficSink implements TrafficSink {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayTrafficSink.class);

    private final GatewayClient gateway;
    private final Map<String, Object> kafkaSettings;
    private final String groundTruthTopic;
    private final String clientId;
    private final AtomicLong failures = new AtomicLong();
    private ShadowClient labels;

    /** @param kafkaSettings settings of the ground-truth producer, or null to send no ground truth */
    public GatewayTrafficSink(String gatewayUrl, Map<String, Object> kafkaSettings, String groundTruthTopic, String clientId) {
        this.gateway = new GatewayClient(gatewayUrl);
        this.kafkaSettings = kafkaSettings;
        this.groundTruthTopic = groundTruthTopic;
        this.clientId = clientId;
    }

    @Override
    public void send(String requestId, TaskContract task, LabeledExample example) {
        try {
            gateway.predict(requestId, example.input());
        } catch (GatewayException e) {
            // 503 before the first model is served is how the gateway says "not yet", not a failure
            if (!e.retriable()) {
                failures.incrementAndGet();
                LOG.warn("Gateway refused {}: {}", requestId, e.getMessage());
            }
        } catch (IOException e) {
            failures.incrementAndGet();
            LOG.warn("Gateway request {} failed: {}", requestId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (kafkaSettings != null && example.hasLabel()) {
            labels(task).label(requestId, example.label());
        }
    }

    private synchronized ShadowClient labels(TaskContract task) {
        if (labels == null) {
            ShadowClient.Builder builder = ShadowClient.forFloat32(String.valueOf(kafkaSettings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)),
                    task.inputSize()).groundTruthTopic(groundTruthTopic);
            kafkaSettings.forEach(builder::kafka);
            labels = builder.kafka(ProducerConfig.CLIENT_ID_CONFIG, clientId).build();
        }
        return labels;
    }

    /** Requests that failed or got an unexpected status (503 before the first model is not counted). */
    public long failures() {
        return failures.get();
    }

    @Override
    public synchronized void flush() {
        if (labels != null) {
            try {
                labels.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (labels != null) {
            labels.close();
        }
    }
}

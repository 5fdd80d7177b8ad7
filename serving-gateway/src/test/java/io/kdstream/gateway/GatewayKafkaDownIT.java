package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.gateway.testing.CheckpointPublisher;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** When Kafka goes away the gateway keeps answering from the model it has, and counts the copies it cannot send. */
class GatewayKafkaDownIT {

    @Test
    void shouldKeepAnsweringAndCountDroppedCopiesWhileKafkaIsDown() throws Exception {
        PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary();
        kafka.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
        byte[] weights = TestCheckpoints.trainedWeights();
        try (Gateway gateway = new Gateway(new GatewayConfig(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                GatewayConfig.HTTP_HOST, "127.0.0.1",
                GatewayConfig.HTTP_PORT, "0",
                GatewayConfig.DEVICE, "cpu",
                GatewayConfig.SHADOW_FRACTION, "1.0",
                // short client timeouts (passed through to the producer) so lost copies are counted quickly
                "kafka.request.timeout.ms", "1000",
                "kafka.delivery.timeout.ms", "3000")), registry)) {
            gateway.start();
            try (CheckpointPublisher publisher = new CheckpointPublisher(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints())) {
                publisher.publish(TestCheckpoints.manifest("student", 1, weights, 0.8f,
                        io.kdstream.core.model.WeightsCodec.sha256(weights), CheckpointPublisher.chunkCount(weights)), weights);
            }
            Eventually.await("version 1 served", Duration.ofSeconds(60), gateway::servedVersion, v -> v == 1);
            assertThat(predict(gateway)).isEqualTo(200);
            Eventually.await("the first copies sent", Duration.ofSeconds(30), () -> counted(registry, "kd.gateway.shadow", "sent"), n -> n >= 1);

            // when the broker goes away
            kafka.close();

            // then every request is still answered, and the copies that cannot be delivered are counted as dropped
            for (int i = 0; i < 30; i++) {
                assertThat(predict(gateway)).isEqualTo(200);
            }
            Eventually.await("dropped copies counted", Duration.ofSeconds(60),
                    () -> counted(registry, "kd.gateway.shadow", "dropped") + counted(registry, "kd.gateway.predictions", "dropped"),
                    n -> n >= 30);
            assertThat(predict(gateway)).isEqualTo(200);
            assertThat(gateway.servedVersion()).isEqualTo(1);
        }
    }

    private static double counted(PrometheusMeterRegistry registry, String name, String outcome) {
        return registry.get(name).tag("outcome", outcome).counter().count();
    }

    private static int predict(Gateway gateway) throws Exception {
        String body = "{\"input\": " + new ObjectMapper().writeValueAsString(TestCheckpoints.image(0)) + "}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/predict"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }
}

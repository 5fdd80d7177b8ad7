package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.testing.Eventually;
import io.kdstream.gateway.testing.CheckpointPublisher;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Checkpoint;
import org.junit.jupiter.api.Test;

/**
 * Rollbacks and pins reach every gateway of a model and survive restarts: two gateways on one broker, an admin acting
 * on one of them, and that one restarted.
 */
class ServingDecisionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "a-test-admin-token-of-enough-length";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldMakeEveryGatewayObeyARollbackAndAPinAndARestartedOneToo() throws Exception {
        byte[] weights = TestCheckpoints.trainedWeights();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary();
             CheckpointPublisher publisher = publisher(kafka)) {
            // given two gateways of one model that served v1, v2 and now v3 as they came
            Gateway a = start(kafka);
            try (Gateway b = start(kafka)) {
                for (long version = 1; version <= 3; version++) {
                    publisher.publish(manifest(version, weights), weights);
                    awaitServing(a, version);
                    awaitServing(b, version);
                }

                // when an admin rolls v3 back on gateway a
                JsonNode rolledBack = admin(a, "POST", "/v1/models/rollback", "{\"by\": \"alice\", \"reason\": \"v3 regressed on shoes\"}");

                // then both gateways serve v2, and b says who rolled v3 back and why
                assertThat(rolledBack.get("version").asLong()).isEqualTo(2);
                awaitServing(b, 2);
                JsonNode decision = get(b, "/v1/models").get("decision");
                assertThat(decision.get("action").asText()).isEqualTo("rollback");
                assertThat(decision.get("by").asText()).isEqualTo("alice");
                assertThat(decision.get("reason").asText()).isEqualTo("v3 regressed on shoes");

                // when gateway a restarts, it serves v2 again, never v3 (and has only v2's weights)
                a.close();
                a = start(kafka);
                Eventually.await("the restarted gateway caught up", PATIENCE, a::caughtUp, done -> done);
                assertThat(a.servedVersion()).isEqualTo(2);

                // when an admin pins v1 on gateway b and a newer v4 arrives
                admin(b, "POST", "/v1/models/pin", "{\"version\": 1, \"by\": \"bob\", \"reason\": \"hold v1 over the sale\"}");
                // then gateway a, which lacked v1's weights, reads them from the topic and serves v1 too
                awaitServing(a, 1);
                publisher.publish(manifest(4, weights), weights);
                Gateway restartedA = a;
                Eventually.await("v4 held by gateway a", PATIENCE, () -> fateOf(restartedA, 4), "held"::equals);
                assertThat(a.servedVersion()).isEqualTo(1);
                assertThat(b.servedVersion()).isEqualTo(1);

                // and gateway a, restarted while v1 is pinned, serves v1 and holds v4
                a.close();
                a = start(kafka);
                Eventually.await("the restarted gateway caught up", PATIENCE, a::caughtUp, done -> done);
                assertThat(a.servedVersion()).isEqualTo(1);
                assertThat(get(a, "/v1/models").get("pinnedVersion").asLong()).isEqualTo(1);

                // when the pin is lifted on gateway a, both serve the newest good version, v4
                admin(a, "DELETE", "/v1/models/pin", "{\"by\": \"bob\", \"reason\": \"the sale is over\"}");
                awaitServing(a, 4);
                awaitServing(b, 4);
            } finally {
                a.close();
            }
        }
    }

    private static CheckpointPublisher publisher(EmbeddedKafkaBroker kafka) {
        kafka.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
        return new CheckpointPublisher(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints());
    }

    private static Gateway start(EmbeddedKafkaBroker kafka) {
        Gateway gateway = new Gateway(new GatewayConfig(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                GatewayConfig.HTTP_HOST, "127.0.0.1",
                GatewayConfig.HTTP_PORT, "0",
                GatewayConfig.GATE_PAIRED, "false",
                GatewayConfig.ADMIN_TOKEN, TOKEN,
                GatewayConfig.DEVICE, "cpu")), CommonMetrics.prometheusRegistry());
        gateway.start();
        return gateway;
    }

    private static Checkpoint manifest(long version, byte[] weights) {
        return TestCheckpoints.manifest("student", version, weights, 0.8f, WeightsCodec.sha256(weights),
                CheckpointPublisher.chunkCount(weights));
    }

    private static void awaitServing(Gateway gateway, long version) {
        Eventually.await("v" + version + " served", PATIENCE, gateway::servedVersion, v -> v == version);
    }

    private String fateOf(Gateway gateway, long version) {
        for (JsonNode entry : get(gateway, "/v1/models").get("versions")) {
            if (entry.get("version").asLong() == version) {
                return entry.get("fate").asText();
            }
        }
        return null;
    }

    private JsonNode get(Gateway gateway, String path) {
        return send(HttpRequest.newBuilder(uri(gateway, path)).GET(), 200);
    }

    private JsonNode admin(Gateway gateway, String method, String path, String body) {
        return send(HttpRequest.newBuilder(uri(gateway, path)).method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN), 200);
    }

    private JsonNode send(HttpRequest.Builder request, int expectedStatus) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(Gateway gateway, String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }
}

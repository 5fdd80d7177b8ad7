package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.gateway.testing.CheckpointPublisher;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway on a real embedded broker: checkpoints published as the trainer publishes them. */
class GatewayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.startTemporary();
        kafka.createTopics(Topics.DEFAULT.definitions(2, (short) 1));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldServeGoodCheckpointsRefuseBadOnesAndCatchUpAtStartWithoutReplayingHistory() throws Exception {
        byte[] good = TestCheckpoints.trainedWeights();
        PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
        try (CheckpointPublisher publisher = new CheckpointPublisher(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints());
             Gateway gateway = new Gateway(config(), registry)) {
            gateway.start();

            // given a good checkpoint published like the trainer publishes one
            publisher.publish(manifest(1, good, 0.8f), good);

            // then the gateway serves it
            Eventually.await("version 1 served", PATIENCE, () -> get(gateway, "/v1/model"),
                    model -> model.status == 200 && model.body.get("version").asLong() == 1);
            assertThat(predict(gateway).body.get("modelVersion").asLong()).isEqualTo(1);

            // when a checkpoint with a wrong sha256, one with NaN weights and one with a chunk missing follow
            publisher.publish(TestCheckpoints.manifest("student", 2, good, 0.8f, "00".repeat(32),
                    CheckpointPublisher.chunkCount(good)), good);
            byte[] nan = TestCheckpoints.nanWeights();
            publisher.publish(manifest(3, nan, 0.8f), nan);
            List<CheckpointChunk> truncated = new ArrayList<>(CheckpointPublisher.chunks(manifest(4, good, 0.8f), good));
            truncated.remove(1);
            publisher.publish(manifest(4, good, 0.8f), truncated);

            // then each is refused and counted by reason, and version 1 keeps serving
            Eventually.await("three refusals", PATIENCE, () -> refusals(registry), r -> r.size() == 3);
            assertThat(refusals(registry)).containsEntry("sha256-mismatch", 1.0).containsEntry("non-finite-output", 1.0)
                    .containsEntry("missing-chunks", 1.0);
            assertThat(gateway.servedVersion()).isEqualTo(1);
            assertThat(predict(gateway).body.get("modelVersion").asLong()).isEqualTo(1);
            JsonNode versions = get(gateway, "/v1/models").body.get("versions");
            assertThat(versions.get(0).get("version").asLong()).isEqualTo(4);
            assertThat(versions.get(0).get("fate").asText()).isEqualTo("refused");
            assertThat(versions.get(0).get("reason").asText()).isEqualTo("missing-chunks");

            // when a newer good checkpoint arrives, it swaps in
            publisher.publish(manifest(5, good, 0.82f), good);
            Eventually.await("version 5 served", PATIENCE, gateway::servedVersion, v -> v == 5);
            assertThat(gateway.swaps()).isEqualTo(2);
            assertThat(predict(gateway).body.get("modelVersion").asLong()).isEqualTo(5);

            // and a gateway started now serves version 5 at once, having reassembled only that version
            PrometheusMeterRegistry freshRegistry = CommonMetrics.prometheusRegistry();
            try (Gateway fresh = new Gateway(config(), freshRegistry)) {
                fresh.start();
                Eventually.await("the new gateway caught up", PATIENCE, fresh::caughtUp, done -> done);
                assertThat(fresh.servedVersion()).isEqualTo(5);
                assertThat(fresh.swaps()).isEqualTo(1);
                assertThat(refusals(freshRegistry)).isEmpty();
            }
        }
    }

    @Test
    void shouldCopyShadowTrafficToTheTrafficTopic() throws Exception {
        byte[] good = TestCheckpoints.trainedWeights();
        try (CheckpointPublisher publisher = new CheckpointPublisher(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints());
             Gateway gateway = new Gateway(shadowingEverything("shadowed", Map.of()), CommonMetrics.prometheusRegistry())) {
            gateway.start();
            publisher.publish(manifest("shadowed", 1, good), good);
            Eventually.await("a model served", PATIENCE, gateway::servedVersion, v -> v == 1);

            // when a client is answered
            String requestId = "shadow-" + System.nanoTime();
            assertThat(post(gateway, "{\"requestId\": \"" + requestId + "\", \"input\": " + JSON.writeValueAsString(TestCheckpoints.image(2)) + "}").status)
                    .isEqualTo(200);

            // then its input lands on kd-traffic as a SHADOW event keyed by the request id
            TrafficEvent event = readTraffic(requestId);
            assertThat(event.getSource()).isEqualTo(TrafficSource.SHADOW);
            assertThat(io.kdstream.core.tensor.Tensors.toUnitFloats(event.getInput(), 784)).containsExactly(TestCheckpoints.image(2));
        }
    }

    @Test
    void shouldServeATabularTaskAndRefuseCheckpointsOfAnotherTaskWithTheirReason() throws Exception {
        // given a gateway whose task setting pins tabular-rbf
        byte[] tabular = TestCheckpoints.tabularWeights();
        byte[] fashion = TestCheckpoints.trainedWeights();
        try (CheckpointPublisher publisher = new CheckpointPublisher(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints());
             Gateway gateway = new Gateway(shadowingEverything("tabular", Map.of(TaskSetting.KEY, "tabular-rbf")),
                     CommonMetrics.prometheusRegistry())) {
            gateway.start();

            // when a Fashion-MNIST checkpoint, a tabular one and another Fashion-MNIST one arrive on kd-checkpoints
            publisher.publish(manifest("tabular", 1, fashion), fashion);
            publisher.publish(TestCheckpoints.tabularManifest("tabular", 2, tabular, 0.8f), tabular);
            Eventually.await("the tabular version served", PATIENCE, gateway::servedVersion, v -> v == 2);
            publisher.publish(manifest("tabular", 3, fashion), fashion);

            // then both Fashion-MNIST checkpoints are refused with task-mismatch and the reason in GET /v1/models
            Eventually.await("version 3 decided", PATIENCE, () -> get(gateway, "/v1/models").body.get("versions"),
                    versions -> versions.size() == 3);
            JsonNode versions = get(gateway, "/v1/models").body.get("versions");
            assertThat(versions.get(0).get("fate").asText()).isEqualTo("refused");
            assertThat(versions.get(0).get("reason").asText()).isEqualTo("task-mismatch");
            assertThat(versions.get(0).get("detail").asText()).contains("task fashion-mnist is not task tabular-rbf")
                    .contains("served by version 2");
            assertThat(versions.get(2).get("reason").asText()).isEqualTo("task-mismatch");
            assertThat(versions.get(2).get("detail").asText()).contains("task setting");
            assertThat(gateway.servedVersion()).isEqualTo(2);

            // and clients are answered in the tabular contract, by named features and by the Open Inference Protocol
            String requestId = "tabular-" + System.nanoTime();
            StringBuilder features = new StringBuilder("{\"requestId\": \"" + requestId + "\", \"features\": {");
            float[] input = TestCheckpoints.tabularInput(5);
            for (int i = 0; i < input.length; i++) {
                features.append(i == 0 ? "" : ", ").append('"').append(TestCheckpoints.TABULAR.featureNames().get(i)).append("\": ").append(input[i]);
            }
            Reply named = post(gateway, "/v1/predict", features.append("}}").toString());
            assertThat(named.status).as(named.body.toString()).isEqualTo(200);
            assertThat(TestCheckpoints.TABULAR.classNames()).contains(named.body.get("topClassName").asText());
            Reply oip = post(gateway, "/v2/models/tabular/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 16], "
                    + "\"datatype\": \"FP32\", \"data\": " + JSON.writeValueAsString(input) + "}]}");
            assertThat(oip.status).as(oip.body.toString()).isEqualTo(200);
            assertThat(oip.body.get("outputs").get(0).get("data")).hasSize(5);
            Reply image = post(gateway, "/v2/models/tabular/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 784], "
                    + "\"datatype\": \"FP32\", \"data\": " + JSON.writeValueAsString(TestCheckpoints.image(0)) + "}]}");
            assertThat(image.status).isEqualTo(400);
            assertThat(image.body.get("error").asText()).contains("must be [N, 16]");
            // and the shadow copy carries the task's shape
            TrafficEvent shadow = readTraffic(requestId);
            assertThat(shadow.getInput().getShape()).containsExactly(16);
            assertThat(shadow.getInput().getDtype()).isEqualTo(io.kdstream.schemas.DType.FLOAT32);
        }
    }

    @Test
    void shouldAnswerHealthWithWhatTheGatewaySaysOfItself() {
        try (Gateway gateway = new Gateway(shadowingEverything("unpublished", Map.of()), CommonMetrics.prometheusRegistry())) {
            gateway.start();

            // when no checkpoint of its model has passed the gates yet
            Reply ready = get(gateway, "/health/ready");
            Reply live = get(gateway, "/health/live");

            // then both answers are Gateway.health(), the one truth the kd command also exits by
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo(json(gateway.health().toJson()));
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.body()).isEqualTo(json(gateway.health().toJson()));
            assertThat(live.body().get("detail").asText()).contains("waiting for a checkpoint");
        }
    }

    @Test
    void shouldRefuseToStartOnACheckpointTopicThatIsNotCompactedNamingTheTopicAndTheFix() {
        // given a checkpoint topic made as a broker auto-creates topics: delete policy
        kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("auto-created-checkpoints", 1, (short) 1)));

        try (Gateway gateway = new Gateway(shadowingEverything("student", Map.of(GatewayConfig.TOPIC_CHECKPOINTS, "auto-created-checkpoints")),
                CommonMetrics.prometheusRegistry())) {
            // when it starts, then it refuses, naming the topic, what is wrong and the fix
            assertThatThrownBy(gateway::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the serving gateway cannot start")
                    .hasMessageContaining("topic auto-created-checkpoints has cleanup.policy=delete but needs compact")
                    .hasMessageContaining("kd topics create");
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TrafficEvent readTraffic(String requestId) {
        Map<String, Object> settings = KafkaClients.groupless(Map.of("bootstrap.servers", kafka.bootstrapServers()), "it-traffic-reader");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(Topics.DEFAULT.traffic(), 0), new TopicPartition(Topics.DEFAULT.traffic(), 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return Eventually.await("the shadow copy of " + requestId, PATIENCE, () -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (new String(record.key(), java.nio.charset.StandardCharsets.UTF_8).equals(requestId)) {
                        return Codecs.TRAFFIC_EVENT.decode(record.value());
                    }
                }
                return null;
            }, java.util.Objects::nonNull);
        }
    }

    /** A Fashion-MNIST manifest of {@code model}, chunked as the publisher chunks. */
    private static Checkpoint manifest(String model, long version, byte[] weights) {
        return TestCheckpoints.manifest(model, version, weights, 0.8f, io.kdstream.core.model.WeightsCodec.sha256(weights),
                CheckpointPublisher.chunkCount(weights));
    }

    /** A gateway of its own model name that shadows every answer, with {@code extra} settings. */
    private static GatewayConfig shadowingEverything(String modelName, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(settings());
        settings.put(GatewayConfig.MODEL_NAME, modelName);
        settings.put(GatewayConfig.SHADOW_FRACTION, "1.0");
        settings.putAll(extra);
        return new GatewayConfig(settings);
    }

    private static Checkpoint manifest(long version, byte[] weights, float agreement) {
        return TestCheckpoints.manifest("student", version, weights, agreement, io.kdstream.core.model.WeightsCodec.sha256(weights),
                CheckpointPublisher.chunkCount(weights));
    }

    /** Refusals counted so far, by reason. */
    private static Map<String, Double> refusals(PrometheusMeterRegistry registry) {
        Map<String, Double> byReason = new HashMap<>();
        registry.find(GatewayMetrics.SWAPS).tag("outcome", "refused").counters()
                .forEach(counter -> byReason.put(counter.getId().getTag("reason"), counter.count()));
        return byReason;
    }

    /** No soft labels flow here, so the paired gate is off; PairedGateIT runs it against real labels. */
    private static Map<String, Object> settings() {
        return Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                GatewayConfig.HTTP_HOST, "127.0.0.1",
                GatewayConfig.HTTP_PORT, "0",
                GatewayConfig.GATE_PAIRED, "false",
                GatewayConfig.DEVICE, "cpu");
    }

    private static GatewayConfig config() {
        return new GatewayConfig(settings());
    }

    private record Reply(int status, JsonNode body) {
    }

    private Reply get(Gateway gateway, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET());
    }

    private Reply predict(Gateway gateway) throws Exception {
        return post(gateway, "{\"input\": " + JSON.writeValueAsString(TestCheckpoints.image(0)) + "}");
    }

    private Reply post(Gateway gateway, String body) {
        return post(gateway, "/v1/predict", body);
    }

    private Reply post(Gateway gateway, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

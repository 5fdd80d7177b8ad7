package io.kdstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.core.testing.Eventually;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Prediction;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PredictApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private ApiHarness api;

    @BeforeEach
    void startApi() {
        api = new ApiHarness("");
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void shouldAnswer503WithJsonUntilAModelIsLoaded() {
        // given no checkpoint yet
        // when a client asks for a prediction, the model and readiness
        ApiHarness.Reply predict = api.postJson("/v1/predict", single(TestCheckpoints.image(0), "r-1"));
        ApiHarness.Reply model = api.get("/v1/model");
        ApiHarness.Reply ready = api.get("/health/ready");

        // then each says that no model is loaded, while liveness holds
        assertThat(predict.status()).isEqualTo(503);
        assertThat(predict.body().get("error").asText()).isEqualTo("no-model");
        assertThat(model.status()).isEqualTo(503);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(api.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void shouldAnswerOneInputWithProbabilitiesTopClassAndVersion() {
        // given a served checkpoint
        serveVersion(3);

        // when a client sends one flat input with its request id
        ApiHarness.Reply reply = api.postJson("/v1/predict", single(TestCheckpoints.image(0), "req-42"));

        // then the answer carries the id, the version and ten probabilities summing to one, the top one first
        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(body.get("requestId").asText()).isEqualTo("req-42");
        assertThat(body.get("modelVersion").asLong()).isEqualTo(3);
        assertThat(body.get("probabilities")).hasSize(10);
        double sum = 0;
        int top = 0;
        for (int k = 0; k < 10; k++) {
            sum += body.get("probabilities").get(k).asDouble();
            if (body.get("probabilities").get(k).asDouble() > body.get("probabilities").get(top).asDouble()) {
                top = k;
            }
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(body.get("topClass").asInt()).isEqualTo(top);
        assertThat(body.get("topClassName").asText()).isEqualTo(io.kdstream.core.task.BuiltInTasks.FASHION_MNIST.classNames().get(top));
    }

    @Test
    void shouldAcceptA28By28ImageAndGiveTheSameAnswerAsTheFlatForm() {
        serveVersion(1);
        float[] image = TestCheckpoints.image(1);
        ObjectNode nested = JSON.createObjectNode();
        ArrayNode rows = nested.putArray("input");
        for (int r = 0; r < 28; r++) {
            ArrayNode row = rows.addArray();
            for (int c = 0; c < 28; c++) {
                row.add(image[r * 28 + c]);
            }
        }

        ApiHarness.Reply flat = api.postJson("/v1/predict", single(image, "flat"));
        ApiHarness.Reply grid = api.postJson("/v1/predict", nested.toString());

        assertThat(grid.status()).isEqualTo(200);
        assertThat(grid.body().get("probabilities")).isEqualTo(flat.body().get("probabilities"));
        assertThat(grid.body().get("requestId").asText()).isNotBlank();
    }

    @Test
    void shouldAnswerABatchInOrderWithOneVersion() {
        serveVersion(2);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode inputs = body.putArray("inputs");
        List<JsonNode> singles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] image = TestCheckpoints.image(i);
            ArrayNode row = inputs.addArray();
            for (float v : image) {
                row.add(v);
            }
            singles.add(api.postJson("/v1/predict", single(image, "s" + i)).body().get("probabilities"));
        }

        ApiHarness.Reply reply = api.postJson("/v1/predict", body.toString());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("modelVersion").asLong()).isEqualTo(2);
        JsonNode predictions = reply.body().get("predictions");
        assertThat(predictions).hasSize(5);
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 10; k++) {
                // a batched matrix product may round differently in the last bits
                assertThat(predictions.get(i).get("probabilities").get(k).asDouble())
                        .isCloseTo(singles.get(i).get(k).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
            }
            assertThat(predictions.get(i).get("requestId").asText()).isNotBlank();
        }
    }

    @Test
    void shouldDescribeTheServedModel() {
        serveVersion(7);

        ApiHarness.Reply reply = api.get("/v1/model");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("version").asLong()).isEqualTo(7);
        assertThat(reply.body().get("model").asText()).isEqualTo("student");
        assertThat(reply.body().get("since").asText()).isNotBlank();
        assertThat(reply.body().get("holdout").get("agreement").asDouble()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(api.get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void shouldCopyShadowedInputsAndWritePredictionsForAnsweredRequests() {
        // given a served model, shadow fraction 0.5 and predictions fraction 1.0
        serveVersion(1);

        // when 40 requests are answered
        for (int i = 0; i < 40; i++) {
            assertThat(api.postJson("/v1/predict", single(TestCheckpoints.image(0), "copy-" + i)).status()).isEqualTo(200);
        }

        // then every answer is on kd-predictions, and the shadowed inputs are on kd-traffic as SHADOW events in the
        // task's wire form: Fashion-MNIST images as bytes of shape [1, 28, 28]
        Eventually.await("40 predictions copied", java.time.Duration.ofSeconds(10),
                () -> api.metrics.predictionCopies(true), n -> n == 40);
        List<TrafficEvent> shadows = new ArrayList<>();
        List<Prediction> predictions = new ArrayList<>();
        api.producer.history().forEach(record -> {
            if (record.topic().equals("kd-traffic")) {
                shadows.add(Codecs.TRAFFIC_EVENT.decode(record.value()));
            } else {
                predictions.add(Codecs.PREDICTION.decode(record.value()));
            }
        });
        assertThat(predictions).hasSize(40).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1));
        assertThat(shadows).isNotEmpty().hasSizeLessThan(40).allSatisfy(event -> {
            assertThat(event.getSource()).isEqualTo(TrafficSource.SHADOW);
            assertThat(event.getInput().getDtype()).isEqualTo(io.kdstream.schemas.DType.UINT8);
            assertThat(event.getInput().getShape()).containsExactly(1, 28, 28);
            assertThat(event.getRequestId()).startsWith("copy-");
        });
    }

    @Test
    void shouldServeMetricsInPrometheusText() {
        serveVersion(4);
        api.postJson("/v1/predict", single(TestCheckpoints.image(0), "m"));

        ApiHarness.Reply reply = api.get("/metrics");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().asText())
                .contains("kd_gateway_request_seconds_count{outcome=\"ok\"} 1")
                .contains("kd_gateway_model_version 4")
                .contains("kd_gateway_swaps_total{outcome=\"swapped\",reason=\"passed\"} 1")
                .contains("kd_gateway_batch_size_count");
    }

    private void serveVersion(long version) {
        byte[] weights = TestCheckpoints.trainedWeights();
        api.models.offer(TestCheckpoints.manifest("student", version, weights, 0.8f), weights);
    }

    static String single(float[] image, String requestId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("requestId", requestId);
        ArrayNode input = body.putArray("input");
        for (float v : image) {
            input.add(v);
        }
        return body.toString();
    }
}

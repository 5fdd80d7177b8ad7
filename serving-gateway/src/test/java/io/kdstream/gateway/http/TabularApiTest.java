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
import io.kdstream.schemas.DType;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.serde.Codecs;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tabular model (tabular-rbf: 16 named float features, 5 named classes) served over a real socket: every input form,
 * the Open Inference Protocol, and errors that name the expected shape and the features.
 */
class TabularApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApiHarness api;

    @BeforeAll
    static void serveTabularModel() {
        api = new ApiHarness("");
        byte[] weights = TestCheckpoints.tabularWeights();
        api.models.offer(TestCheckpoints.tabularManifest("student", 3, weights, 0.8f), weights);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldGiveTheSameAnswerToAFlatVectorAndToNamedFeaturesWithTheClassName() {
        float[] input = TestCheckpoints.tabularInput(7);

        ApiHarness.Reply flat = api.postJson("/v1/predict", "{\"input\": " + array(input) + "}");
        ApiHarness.Reply named = api.postJson("/v1/predict", "{\"features\": " + features(input) + "}");

        assertThat(flat.status()).as(flat.body().toString()).isEqualTo(200);
        assertThat(named.status()).as(named.body().toString()).isEqualTo(200);
        assertThat(named.body().get("probabilities")).hasSize(5).isEqualTo(flat.body().get("probabilities"));
        int top = flat.body().get("topClass").asInt();
        assertThat(flat.body().get("topClassName").asText()).isEqualTo(TestCheckpoints.TABULAR.classNames().get(top));
        assertThat(flat.body().get("modelVersion").asLong()).isEqualTo(3);
    }

    @Test
    void shouldAnswerABatchOfNamedFeatureObjects() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("features");
        for (int i = 0; i < 3; i++) {
            list.add(readTree(features(TestCheckpoints.tabularInput(i))));
        }

        ApiHarness.Reply reply = api.postJson("/v1/predict", body.toString());

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        assertThat(reply.body().get("predictions")).hasSize(3);
        assertThat(reply.body().get("classNames")).hasSize(5);
    }

    @Test
    void shouldNameMissingAndUnknownFeaturesAndTheExpectedShape() {
        ObjectNode features = (ObjectNode) readTree(features(TestCheckpoints.tabularInput(1)));
        features.remove("x03");
        features.remove("x07");
        features.put("amount", 12.5);

        ApiHarness.Reply reply = api.postJson("/v1/predict", "{\"features\": " + features + "}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().get("error").asText()).isEqualTo("bad-features");
        assertThat(reply.body().get("detail").asText())
                .contains("misses features x03, x07")
                .contains("has unknown features amount")
                .contains("expected float32 [16] (16 values, or an object of named features x00..x15)");
    }

    @Test
    void shouldNameTheExpectedShapeForAWrongLengthAndTheFeatureOfANonFiniteValue() {
        ApiHarness.Reply shortVector = api.postJson("/v1/predict", "{\"input\": [1, 2, 3]}");
        ObjectNode features = (ObjectNode) readTree(features(TestCheckpoints.tabularInput(2)));
        ApiHarness.Reply nan = api.postJson("/v1/predict", "{\"features\": " + features.toString().replace(
                "\"x05\":" + features.get("x05"), "\"x05\":NaN") + "}");
        ApiHarness.Reply image = api.postJson("/v1/predict", "{\"input\": " + array(TestCheckpoints.image(0)) + "}");

        assertThat(shortVector.status()).isEqualTo(400);
        assertThat(shortVector.body().get("detail").asText()).contains("input has shape [3] but must be float32 [16] (16 values");
        assertThat(nan.status()).isEqualTo(400);
        assertThat(nan.body().get("error").asText()).isEqualTo("not-finite");
        assertThat(nan.body().get("detail").asText()).contains("features.x05 is NaN");
        assertThat(image.status()).isEqualTo(400);
        assertThat(image.body().get("detail").asText()).contains("has shape [784] but must be float32 [16]");
    }

    @Test
    void shouldShowTheContractInGetModel() {
        JsonNode task = api.get("/v1/model").body().get("task");

        assertThat(task.get("name").asText()).isEqualTo("tabular-rbf");
        assertThat(task.get("input").get("shape").toString()).isEqualTo("[16]");
        assertThat(task.get("input").get("features")).hasSize(16);
        assertThat(task.get("classes")).hasSize(5);
    }

    @Test
    void shouldCopyShadowedInputsInTheTasksShapeAndType() {
        for (int i = 0; i < 30; i++) {
            api.postJson("/v1/predict", "{\"input\": " + array(TestCheckpoints.tabularInput(i)) + "}");
        }

        Eventually.await("a shadow copy", java.time.Duration.ofSeconds(10), () -> api.metrics.shadowCopies(true), n -> n > 0);
        List<TrafficEvent> shadows = new ArrayList<>();
        api.producer.history().stream().filter(record -> record.topic().equals("kd-traffic"))
                .forEach(record -> shadows.add(Codecs.TRAFFIC_EVENT.decode(record.value())));
        assertThat(shadows).isNotEmpty().allSatisfy(event -> {
            assertThat(event.getInput().getDtype()).isEqualTo(DType.FLOAT32);
            assertThat(event.getInput().getShape()).containsExactly(16);
        });
    }

    @Test
    void shouldAnswerTheOpenInferenceProtocolOnTheSameContract() {
        float[] first = TestCheckpoints.tabularInput(11);
        float[] second = TestCheckpoints.tabularInput(12);
        float[] both = new float[32];
        System.arraycopy(first, 0, both, 0, 16);
        System.arraycopy(second, 0, both, 16, 16);

        ApiHarness.Reply reply = api.postJson("/v2/models/student/infer", "{\"id\": \"oip-1\", \"inputs\": [{\"name\": \"input\","
                + " \"shape\": [2, 16], \"datatype\": \"FP32\", \"data\": " + array(both) + "}]}");
        ApiHarness.Reply single = api.postJson("/v1/predict", "{\"input\": " + array(second) + "}");

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(body.get("model_name").asText()).isEqualTo("student");
        assertThat(body.get("model_version").asText()).isEqualTo("3");
        assertThat(body.get("id").asText()).isEqualTo("oip-1");
        JsonNode probabilities = body.get("outputs").get(0);
        assertThat(probabilities.get("name").asText()).isEqualTo("probabilities");
        assertThat(probabilities.get("datatype").asText()).isEqualTo("FP32");
        assertThat(probabilities.get("shape").toString()).isEqualTo("[2,5]");
        assertThat(probabilities.get("data")).hasSize(10);
        for (int k = 0; k < 5; k++) {
            assertThat(probabilities.get("data").get(5 + k).asDouble())
                    .isCloseTo(single.body().get("probabilities").get(k).asDouble(), Offset.offset(1e-5));
        }
        JsonNode classes = body.get("outputs").get(1);
        assertThat(classes.get("name").asText()).isEqualTo("class");
        assertThat(classes.get("datatype").asText()).isEqualTo("INT64");
        assertThat(classes.get("data").get(1).asInt()).isEqualTo(single.body().get("topClass").asInt());
        JsonNode names = body.get("outputs").get(2);
        assertThat(names.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(names.get("data").get(1).asText()).isEqualTo(single.body().get("topClassName").asText());
    }

    @Test
    void shouldDescribeTheModelAndItsReadinessInTheOpenInferenceProtocol() {
        JsonNode metadata = api.get("/v2/models/student").body();

        assertThat(metadata.get("name").asText()).isEqualTo("student");
        assertThat(metadata.get("versions").toString()).isEqualTo("[\"3\"]");
        assertThat(metadata.get("inputs").get(0).toString()).isEqualTo("{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,16]}");
        assertThat(metadata.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,5]");
        assertThat(api.get("/v2/models/student/ready").status()).isEqualTo(200);
        assertThat(api.get("/v2/health/ready").status()).isEqualTo(200);
        assertThat(api.get("/v2/health/live").status()).isEqualTo(200);
    }

    @Test
    void shouldAnswerOpenInferenceErrorsInTheProtocolsFormNamingTheExpectedShape() {
        ApiHarness.Reply wrongShape = api.postJson("/v2/models/student/infer", "{\"inputs\": [{\"name\": \"input\","
                + " \"shape\": [1, 784], \"datatype\": \"FP32\", \"data\": []}]}");
        ApiHarness.Reply shortData = api.postJson("/v2/models/student/infer", "{\"inputs\": [{\"name\": \"input\","
                + " \"shape\": [2, 16], \"datatype\": \"FP32\", \"data\": " + array(TestCheckpoints.tabularInput(1)) + "}]}");
        ApiHarness.Reply wrongType = api.postJson("/v2/models/student/infer", "{\"inputs\": [{\"name\": \"input\","
                + " \"shape\": [1, 16], \"datatype\": \"BYTES\", \"data\": []}]}");
        ApiHarness.Reply otherModel = api.postJson("/v2/models/teacher/infer", "{}");

        assertThat(wrongShape.status()).isEqualTo(400);
        assertThat(wrongShape.body().get("error").asText()).startsWith("bad-shape: ")
                .contains("[1, 784] but must be [N, 16]").contains("float32 [16]");
        assertThat(wrongShape.body().has("detail")).isFalse();
        assertThat(shortData.status()).isEqualTo(400);
        assertThat(shortData.body().get("error").asText()).contains("holds 16 values but its shape needs 32");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.body().get("error").asText()).contains("datatype must be FP32");
        assertThat(otherModel.status()).isEqualTo(404);
        assertThat(otherModel.body().get("error").asText()).contains("serves the model 'student', not 'teacher'");
    }

    private static String array(float[] values) {
        return java.util.Arrays.toString(values);
    }

    private static String features(float[] values) {
        ObjectNode object = JSON.createObjectNode();
        for (int i = 0; i < values.length; i++) {
            object.put(TestCheckpoints.TABULAR.featureNames().get(i), values[i]);
        }
        return object.toString();
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

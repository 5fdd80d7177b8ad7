package io.kdstream.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A typed client of the serving gateway's HTTP API ({@code docs/gateway.md}, or the gateway's own
 * {@code GET /openapi.json}). Every answer other than 200 becomes a {@link GatewayException} carrying the gateway's
 * error code and detail. Thread-safe; one instance per gateway is enough.
 */
public final class GatewayClient {

    /** One prediction: which version answered, the top class by index and name, and every class's probability. */
    public record Prediction(String requestId, long modelVersion, int topClass, String topClassName, float[] probabilities) {
    }

    /** The served model: its version, architecture, and its task's name, input shape and class names. */
    public record ServedModel(String model, long version, String architecture, String task, List<Integer> inputShape,
                              List<String> classNames, JsonNode details) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    /** @param baseUrl the gateway, e.g. {@code http://gateway:8080} */
    public GatewayClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(30));
    }

    /** @param timeout how long one request may take, connection included */
    public GatewayClient(String baseUrl, Duration timeout) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Predicts one input given flat (or in the task's shape, flattened), under a request id the gateway generates. */
    public Prediction predict(float[] input) throws IOException, InterruptedException {
        return predict(null, input);
    }

    /** Predicts one input under the caller's request id, which later true labels can refer to. */
    public Prediction predict(String requestId, float[] input) throws IOException, InterruptedException {
        ObjectNode body = withRequestId(requestId);
        values(body.putArray("input"), input);
        return prediction(post("v1/predict", body));
    }

    /** Predicts one input of a task with feature names, given by name. */
    public Prediction predict(String requestId, Map<String, ? extends Number> features) throws IOException, InterruptedException {
        ObjectNode body = withRequestId(requestId);
        ObjectNode named = body.putObject("features");
        features.forEach((name, value) -> named.put(name, value.doubleValue()));
        return prediction(post("v1/predict", body));
    }

    /** Predicts a batch of inputs in one request (at most the gateway's {@code http.max.rows}). */
    public List<Prediction> predictBatch(List<float[]> inputs) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode rows = body.putArray("inputs");
        for (float[] input : inputs) {
            values(rows.addArray(), input);
        }
        JsonNode answer = post("v1/predict", body);
        List<Prediction> predictions = new ArrayList<>(inputs.size());
        answer.get("predictions").forEach(prediction -> predictions.add(prediction(prediction)));
        return predictions;
    }

    /** {@code GET /v1/model}: what is served now. */
    public ServedModel model() throws IOException, InterruptedException {
        JsonNode body = send(HttpRequest.newBuilder(base.resolve("v1/model")).GET());
        JsonNode task = body.path("task");
        List<Integer> shape = new ArrayList<>();
        task.path("input").path("shape").forEach(size -> shape.add(size.asInt()));
        List<String> classes = new ArrayList<>();
        task.path("classes").forEach(name -> classes.add(name.asText()));
        return new ServedModel(body.path("model").asText(), body.path("version").asLong(), body.path("architecture").asText(),
                task.path("name").asText(), List.copyOf(shape), List.copyOf(classes), body);
    }

    /** Whether the gateway serves a model and its worker runs ({@code GET /health/ready}). */
    public boolean ready() throws InterruptedException {
        try {
            send(HttpRequest.newBuilder(base.resolve("health/ready")).GET());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code GET} of any route, for what the typed methods leave out (the Open Inference Protocol's {@code v2/...}).
     *
     * @param path relative to the gateway's address, e.g. {@code v2/models/student}
     * @return the body of a 200
     */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** {@code POST} of a JSON body to any route, e.g. {@code v2/models/student/infer}; returns the body of a 200. */
    public JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    private static ObjectNode withRequestId(String requestId) {
        ObjectNode body = JSON.createObjectNode();
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        return body;
    }

    private static void values(ArrayNode array, float[] values) {
        for (float value : values) {
            array.add(value);
        }
    }

    private static Prediction prediction(JsonNode node) {
        JsonNode probabilities = node.get("probabilities");
        float[] values = new float[probabilities.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) probabilities.get(i).asDouble();
        }
        return new Prediction(node.path("requestId").asText(), node.path("modelVersion").asLong(), node.path("topClass").asInt(),
                node.path("topClassName").asText(), values);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = response.body().length == 0 ? JSON.nullNode() : readJson(response.body());
        if (response.statusCode() != 200) {
            throw new GatewayException(response.statusCode(), body.path("error").asText("http-" + response.statusCode()),
                    body.path("detail").asText(body.isTextual() ? body.asText() : ""));
        }
        return body;
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}

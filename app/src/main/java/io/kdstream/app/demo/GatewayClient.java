package io.kdstream.app.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A small client of the gateway's HTTP API, used to score the student exactly as a client would reach it. */
public final class GatewayClient {

    /** An HTTP answer: status and parsed JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public GatewayClient(String baseUrl) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    /** {@code POST /v1/predict} with a batch of row-major inputs ({@code batch × size}). */
    public Answer predictBatch(float[] inputs, int batch, int size) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode rows = body.putArray("inputs");
        for (int i = 0; i < batch; i++) {
            ArrayNode row = rows.addArray();
            for (int j = 0; j < size; j++) {
                row.add(inputs[i * size + j]);
            }
        }
        return post("v1/predict", body);
    }

    /** {@code POST /v1/predict} with one input, under a request id of the caller's. */
    public Answer predict(String requestId, float[] input) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        ArrayNode values = body.putArray("input");
        for (float value : input) {
            values.add(value);
        }
        return post("v1/predict", body);
    }

    /** {@code GET /v1/model}. */
    public Answer model() throws IOException, InterruptedException {
        return get("v1/model");
    }

    /** {@code GET} of any route, {@code path} relative to the gateway's address (v2/models/student). */
    public Answer get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
        return send(request);
    }

    /** {@code POST} of a JSON body to any route, for requests the other methods do not build (v2/models/student/infer). */
    public Answer post(String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        return send(request);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        return new Answer(response.statusCode(), body);
    }
}

package io.kdstream.gateway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A parsed and validated {@code POST /v1/predict} body: one input ({@code "input"}) or a batch ({@code "inputs"}),
 * each 784 numbers in 0..1, flat or as 28 rows of 28, with optional request ids. Every problem becomes a 400 that
 * names the field, what was expected and what was found.
 *
 * @param rows       the inputs, row-major, {@code count × 784}
 * @param requestIds one per input, generated where the client sent none
 * @param batch      whether the client used the batch form
 */
public record PredictRequest(float[] rows, int count, List<String> requestIds, boolean batch) {

    static final int SIDE = 28;
    static final int INPUT_SIZE = SIDE * SIDE;
    static final int MAX_REQUEST_ID_CHARS = 200;
    private static final String EXAMPLE = "{\"input\": [784 numbers in 0..1]} or {\"inputs\": [[784 numbers], ...]}";

    public float[] row(int index) {
        float[] row = new float[INPUT_SIZE];
        System.arraycopy(rows, index * INPUT_SIZE, row, 0, INPUT_SIZE);
        return row;
    }

    /** @throws ApiException (400) naming the first problem found */
    public static PredictRequest parse(byte[] body, ObjectMapper json) {
        JsonNode root = Json.readObject(body, json, EXAMPLE);
        JsonNode input = root.get("input");
        JsonNode inputs = root.get("inputs");
        if (input != null && inputs != null) {
            throw ApiException.badRequest("ambiguous-input", "send either 'input' (one example) or 'inputs' (a batch), not both");
        }
        if (input == null && inputs == null) {
            throw ApiException.badRequest("missing-field", "expected a field 'input' (one example) or 'inputs' (a batch) but found "
                    + (root.isEmpty() ? "an empty object" : "only " + fieldNames(root)));
        }
        if (input != null) {
            float[] row = new float[INPUT_SIZE];
            readRow(input, "input", row, 0);
            return new PredictRequest(row, 1, List.of(requestId(root.get("requestId"))), false);
        }
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw ApiException.badRequest("bad-shape", "'inputs' must be a non-empty array of inputs but is " + kind(inputs));
        }
        int count = inputs.size();
        float[] rows = new float[count * INPUT_SIZE];
        for (int i = 0; i < count; i++) {
            readRow(inputs.get(i), "inputs[" + i + "]", rows, i * INPUT_SIZE);
        }
        return new PredictRequest(rows, count, requestIds(root.get("requestIds"), count), true);
    }

    private static void readRow(JsonNode node, String path, float[] target, int offset) {
        if (!node.isArray()) {
            throw ApiException.badRequest("bad-shape", path + " must be an array of " + INPUT_SIZE + " numbers but is " + kind(node));
        }
        if (node.size() == SIDE && node.get(0).isArray()) {
            for (int r = 0; r < SIDE; r++) {
                JsonNode line = node.get(r);
                if (!line.isArray() || line.size() != SIDE) {
                    throw ApiException.badRequest("bad-shape", "expected " + SIDE + " rows of " + SIDE + " values but "
                            + path + "[" + r + "] " + (line.isArray() ? "has " + line.size() + " values" : "is " + kind(line)));
                }
                for (int c = 0; c < SIDE; c++) {
                    target[offset + r * SIDE + c] = value(line.get(c), path + "[" + r + "][" + c + "]");
                }
            }
            return;
        }
        if (node.size() != INPUT_SIZE) {
            throw ApiException.badRequest("bad-shape", "expected " + INPUT_SIZE + " values (or " + SIDE + " rows of " + SIDE
                    + ") in " + path + " but found " + node.size());
        }
        for (int i = 0; i < INPUT_SIZE; i++) {
            target[offset + i] = value(node.get(i), path + "[" + i + "]");
        }
    }

    private static float value(JsonNode node, String path) {
        if (!node.isNumber()) {
            throw ApiException.badRequest("not-a-number", path + " must be a number in 0..1 but is " + kind(node));
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw ApiException.badRequest("not-finite", path + " is " + value + "; values must be finite numbers in 0..1");
        }
        if (value < 0 || value > 1) {
            throw ApiException.badRequest("out-of-range", path + " is " + value
                    + " but values must lie in 0..1 (divide 0-255 pixel values by 255)");
        }
        return (float) value;
    }

    private static String requestId(JsonNode node) {
        if (node == null || node.isNull()) {
            return generatedId();
        }
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_REQUEST_ID_CHARS) {
            throw ApiException.badRequest("bad-request-id", "requestId must be a non-blank string of at most "
                    + MAX_REQUEST_ID_CHARS + " characters but is " + kind(node));
        }
        return node.asText();
    }

    private static List<String> requestIds(JsonNode node, int count) {
        List<String> ids = new ArrayList<>(count);
        if (node == null || node.isNull()) {
            for (int i = 0; i < count; i++) {
                ids.add(generatedId());
            }
            return ids;
        }
        if (!node.isArray() || node.size() != count) {
            throw ApiException.badRequest("bad-request-id", "requestIds must be an array with one id per input (" + count
                    + ") but is " + kind(node));
        }
        for (JsonNode id : node) {
            ids.add(requestId(id));
        }
        return ids;
    }

    /** A random 128-bit id; ThreadLocalRandom avoids the lock of the JVM's shared SecureRandom on the request path. */
    private static String generatedId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(name -> names.add("'" + name + "'"));
        return String.join(", ", names);
    }

    /** How a JSON value looks, briefly, for error messages. */
    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array of " + node.size();
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return "the string \"" + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "\"";
        }
        return node.isNull() ? "null" : node.toString();
    }
}

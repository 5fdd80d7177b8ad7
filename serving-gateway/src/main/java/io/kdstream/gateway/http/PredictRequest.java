package io.kdstream.gateway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdstream.core.task.TaskContract;

/**
 * A parsed and validated {@code POST /v1/predict} body, read against the served model's task contract: one input
 * ({@code "input"}) or a batch ({@code "inputs"}), each a flat array, nested arrays matching the shape, or (for tasks
 * with feature names) an object of named features; {@code "features"} takes one such object, or a list of them as a
 * batch. Request ids are optional. Every problem becomes a 400 that names the field, what was expected and what was
 * found; a batch over {@code http.max.rows} is refused before its rows are read.
 *
 * @param rows       the inputs, row-major, {@code count × task.inputSize()}
 * @param requestIds one per input, generated where the client sent none
 * @param batch      whether the client used a batch form
 */
public record PredictRequest(TaskContract task, float[] rows, int count, List<String> requestIds, boolean batch) {

    static final int MAX_REQUEST_ID_CHARS = 200;

    public float[] row(int index) {
        int size = task.inputSize();
        float[] row = new float[size];
        System.arraycopy(rows, index * size, row, 0, size);
        return row;
    }

    /** @throws ApiException 400 naming the first problem found, 413 when the batch has more than {@code maxRows} */
    public static PredictRequest parse(byte[] body, ObjectMapper json, TaskContract task, int maxRows) {
        JsonNode root = Json.readObject(body, json, example(task));
        JsonNode input = root.get("input");
        JsonNode inputs = root.get("inputs");
        JsonNode features = task.hasFeatureNames() ? root.get("features") : null;
        int given = (input != null ? 1 : 0) + (inputs != null ? 1 : 0) + (features != null ? 1 : 0);
        if (given > 1) {
            throw ApiException.badRequest("ambiguous-input", "send one of 'input' (one example), 'inputs' (a batch)"
                    + (task.hasFeatureNames() ? " or 'features'" : "") + ", not several");
        }
        if (given == 0) {
            throw ApiException.badRequest("missing-field", "expected a field 'input' (one example) or 'inputs' (a batch)"
                    + (task.hasFeatureNames() ? " or 'features'" : "") + " but found "
                    + (root.isEmpty() ? "an empty object" : "only " + fieldNames(root)) + "; each input is " + ContractInputs.expected(task));
        }
        if (features != null) {
            if (features.isObject()) {
                input = features;
            } else {
                inputs = features;
            }
        }
        String field = features != null ? "features" : input != null ? "input" : "inputs";
        int size = task.inputSize();
        if (input != null) {
            float[] row = new float[size];
            ContractInputs.readInput(input, field, task, row, 0);
            return new PredictRequest(task, row, 1, List.of(requestId(root.get("requestId"))), false);
        }
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw ApiException.badRequest("bad-shape", "'" + field + "' must be a non-empty array of inputs, each "
                    + ContractInputs.expected(task) + ", but is " + ContractInputs.kind(inputs));
        }
        int count = inputs.size();
        if (count > maxRows) {
            throw tooManyRows(field, count, maxRows);
        }
        // Row by row, so memory follows what the body really holds, not what its row count claims.
        List<float[]> read = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] row = new float[size];
            ContractInputs.readInput(inputs.get(i), field + "[" + i + "]", task, row, 0);
            read.add(row);
        }
        float[] rows = new float[count * size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(read.get(i), 0, rows, i * size, size);
        }
        return new PredictRequest(task, rows, count, requestIds(root.get("requestIds"), count), true);
    }

    /** 413: more rows than {@code http.max.rows}, so nothing of the request is read further. */
    static ApiException tooManyRows(String field, long count, int maxRows) {
        return new ApiException(413, "too-many-rows", "'" + field + "' has " + count + " inputs but http.max.rows is "
                + maxRows + "; send at most " + maxRows + " per request");
    }

    private static String example(TaskContract task) {
        return "{\"input\": " + ContractInputs.expected(task) + "} or {\"inputs\": [...]}";
    }

    private static String requestId(JsonNode node) {
        if (node == null || node.isNull()) {
            return generatedId();
        }
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_REQUEST_ID_CHARS) {
            throw ApiException.badRequest("bad-request-id", "requestId must be a non-blank string of at most "
                    + MAX_REQUEST_ID_CHARS + " characters but is " + ContractInputs.kind(node));
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
                    + ") but is " + ContractInputs.kind(node));
        }
        for (JsonNode id : node) {
            ids.add(requestId(id));
        }
        return ids;
    }

    /** A random 128-bit id; ThreadLocalRandom avoids the lock of the JVM's shared SecureRandom on the request path. */
    static String generatedId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(name -> names.add("'" + (name.length() > 40 ? name.substring(0, 40) + "…" : name) + "'"));
        return String.join(", ", names.subList(0, Math.min(names.size(), 10)));
    }
}

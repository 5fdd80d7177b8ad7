package io.kdstream.gateway.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;
import io.kdstream.gateway.batching.MicroBatcher;
import io.kdstream.gateway.models.ServedModel;

/**
 * The Open Inference Protocol (KServe v2, also spoken by Triton and MLServer) over the same contract and batcher as
 * {@code /v1/predict}, so clients people already have can call the gateway. One input tensor named {@value #INPUT}
 * of shape {@code [N, ...the contract's shape]} (or {@code [N, inputSize]}), datatype FP32 or FP64, data flat in
 * row-major order or nested; outputs {@value #PROBABILITIES} (FP32 [N, K]), {@value #CLASS} (INT64 [N]) and
 * {@value #CLASS_NAME} (BYTES [N]). Errors are {@code {"error": "..."}} with 400 for a bad request and 404 for
 * another model's name, as the protocol says.
 */
final class OpenInference {

    /** Paths of the protocol's routes start so; their errors take the protocol's form. */
    static final String PREFIX = "/v2/";
    static final String INPUT = "input";
    static final String PROBABILITIES = "probabilities";
    static final String CLASS = "class";
    static final String CLASS_NAME = "class_name";
    private static final Set<String> OUTPUTS = Set.of(PROBABILITIES, CLASS, CLASS_NAME);
    private static final Set<String> DATATYPES = Set.of("FP32", "FP64");
    private static final String INFER = "/v2/models/{name}/infer";

    private final Predictor predictor;
    private final ObjectMapper json;
    private final int maxBodyBytes;
    private final int maxRows;

    OpenInference(Predictor predictor, ObjectMapper json, int maxBodyBytes, int maxRows) {
        this.predictor = predictor;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        this.maxRows = maxRows;
    }

    void routes(Javalin app, Handler recordLatency) {
        app.before(INFER, ctx -> ctx.attribute(HttpApi.STARTED, System.nanoTime()));
        app.post(INFER, this::infer);
        app.after(INFER, recordLatency);
        app.get("/v2/models/{name}", this::metadata);
        app.get("/v2/models/{name}/ready", this::modelReady);
    }

    private void infer(Context ctx) throws Exception {
        ServedModel served = requireModel(ctx);
        Json.requireJsonContentType(ctx);
        TaskContract task = served.task();
        JsonNode root = Json.readObject(Json.readBody(ctx, maxBodyBytes), json,
                "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, ...], \"datatype\": \"FP32\", \"data\": [...]}]}");
        String id = id(root.get("id"));
        JsonNode tensor = singleInput(root.get("inputs"), task);
        int rows = rowCount(tensor.get("shape"), task);
        long count = (long) rows * task.inputSize();
        JsonNode values = tensor.get("data");
        if (values == null || !values.isArray()) {
            throw ApiException.badRequest("bad-data", "inputs[0].data must be an array of " + count + " numbers but is "
                    + (values == null ? "missing" : ContractInputs.kind(values)));
        }
        float[] data = ContractInputs.readExactly(values, "inputs[0].data", task, count);
        Set<String> wanted = requestedOutputs(root.get("outputs"));
        List<String> requestIds = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            requestIds.add(PredictRequest.generatedId());
        }
        MicroBatcher.Answer answer = predictor.predict(task, data, rows, requestIds, ctx.attribute(HttpApi.STARTED));
        Json.write(ctx, 200, json, response(id, answer, rows, task, wanted));
    }

    private Map<String, Object> response(String id, MicroBatcher.Answer answer, int rows, TaskContract task, Set<String> wanted) {
        int classes = answer.classes();
        long[] top = new long[rows];
        List<String> names = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            top[i] = Predictor.argmax(answer.probabilities(), i * classes, classes);
            names.add(task.classNames().get((int) top[i]));
        }
        List<Map<String, Object>> outputs = new ArrayList<>();
        if (wanted.contains(PROBABILITIES)) {
            outputs.add(tensor(PROBABILITIES, List.of(rows, classes), "FP32", answer.probabilities()));
        }
        if (wanted.contains(CLASS)) {
            outputs.add(tensor(CLASS, List.of(rows), "INT64", top));
        }
        if (wanted.contains(CLASS_NAME)) {
            outputs.add(tensor(CLASS_NAME, List.of(rows), "BYTES", names));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model_name", predictor.modelName());
        body.put("model_version", Long.toString(answer.modelVersion()));
        if (id != null) {
            body.put("id", id);
        }
        body.put("outputs", outputs);
        return body;
    }

    private void metadata(Context ctx) {
        ServedModel served = requireModel(ctx);
        TaskContract task = served.task();
        List<Integer> inputShape = new ArrayList<>();
        inputShape.add(-1);
        inputShape.addAll(task.shape());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", predictor.modelName());
        body.put("versions", List.of(Long.toString(served.version())));
        body.put("platform", "kd-stream_djl_pytorch");
        body.put("inputs", List.of(spec(INPUT, "FP32", inputShape)));
        body.put("outputs", List.of(spec(PROBABILITIES, "FP32", List.of(-1, task.classCount())),
                spec(CLASS, "INT64", List.of(-1)), spec(CLASS_NAME, "BYTES", List.of(-1))));
        body.put("parameters", Map.of("task", TaskFiles.toJson(task), "architecture", served.manifest().getArchitecture()));
        Json.write(ctx, 200, json, body);
    }

    private void modelReady(Context ctx) {
        requireName(ctx);
        readiness(ctx);
    }

    private void readiness(Context ctx) {
        String notReady = predictor.notReady();
        if (notReady != null) {
            throw new ApiException(503, "not-ready", notReady);
        }
        Json.write(ctx, 200, json, Map.of("name", predictor.modelName(), "ready", true));
    }

    private ServedModel requireModel(Context ctx) {
        requireName(ctx);
        return predictor.served();
    }

    private void requireName(Context ctx) {
        String name = ctx.pathParam("name");
        if (!name.equals(predictor.modelName())) {
            throw new ApiException(404, "model-not-found", "this gateway serves the model '" + predictor.modelName()
                    + "', not '" + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "'");
        }
    }

    private static String id(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().length() > PredictRequest.MAX_REQUEST_ID_CHARS) {
            throw ApiException.badRequest("bad-id", "id must be a string of at most " + PredictRequest.MAX_REQUEST_ID_CHARS
                    + " characters but is " + ContractInputs.kind(node));
        }
        return node.asText();
    }

    private static JsonNode singleInput(JsonNode inputs, TaskContract task) {
        String expected = "one input tensor {\"name\": \"input\", \"shape\": [N, " + shapeText(task) + "], \"datatype\": \"FP32\", "
                + "\"data\": [...]}, each row " + ContractInputs.expected(task);
        if (inputs == null || !inputs.isArray() || inputs.size() != 1 || !inputs.get(0).isObject()) {
            throw ApiException.badRequest("bad-inputs", "'inputs' must hold " + expected + " but is "
                    + (inputs == null ? "missing" : ContractInputs.kind(inputs)));
        }
        JsonNode tensor = inputs.get(0);
        JsonNode name = tensor.get("name");
        if (name == null || !INPUT.equals(name.asText())) {
            throw ApiException.badRequest("bad-input-name", "inputs[0].name must be \"" + INPUT + "\" but is "
                    + (name == null ? "missing" : ContractInputs.kind(name)));
        }
        JsonNode datatype = tensor.get("datatype");
        if (datatype == null || !DATATYPES.contains(datatype.asText())) {
            throw ApiException.badRequest("bad-datatype", "inputs[0].datatype must be FP32 (or FP64), values on the model's scale, "
                    + "but is " + (datatype == null ? "missing" : ContractInputs.kind(datatype)));
        }
        return tensor;
    }

    /** The batch size N from {@code [N, ...shape]}, checking the rest against the contract and N against the row cap. */
    private int rowCount(JsonNode shape, TaskContract task) {
        String expected = "[N, " + shapeText(task) + "] (or [N, " + task.inputSize() + "])";
        if (shape == null || !shape.isArray() || shape.size() < 2 || shape.size() > task.shape().size() + 1) {
            throw ApiException.badRequest("bad-shape", "inputs[0].shape must be " + expected + " but is "
                    + (shape == null ? "missing" : shape.toString()));
        }
        List<Integer> dims = new ArrayList<>();
        for (JsonNode dim : shape) {
            if (!dim.canConvertToInt() || !dim.isIntegralNumber() || dim.intValue() < 1) {
                throw ApiException.badRequest("bad-shape", "inputs[0].shape must be " + expected + " of positive whole numbers but is " + shape);
            }
            dims.add(dim.intValue());
        }
        List<Integer> row = dims.subList(1, dims.size());
        if (!(row.size() == 1 && row.get(0) == task.inputSize()) && !task.sameShape(row)) {
            throw ApiException.badRequest("bad-shape", "inputs[0].shape is " + dims + " but must be " + expected
                    + " for task " + task.name() + ", each row " + ContractInputs.expected(task));
        }
        int rows = dims.get(0);
        if (rows > maxRows) {
            throw PredictRequest.tooManyRows("inputs[0]", rows, maxRows);
        }
        return rows;
    }

    private static Set<String> requestedOutputs(JsonNode outputs) {
        if (outputs == null || outputs.isNull()) {
            return OUTPUTS;
        }
        if (!outputs.isArray() || outputs.size() > OUTPUTS.size()) {
            throw ApiException.badRequest("bad-outputs", "outputs must be a list of {\"name\": ...} naming some of " + OUTPUTS);
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (JsonNode output : outputs) {
            JsonNode name = output.get("name");
            if (name == null || !OUTPUTS.contains(name.asText())) {
                throw ApiException.badRequest("bad-outputs", "unknown output " + (name == null ? "without a name" : ContractInputs.kind(name))
                        + "; this model has " + OUTPUTS);
            }
            wanted.add(name.asText());
        }
        return wanted;
    }

    private static String shapeText(TaskContract task) {
        String shape = task.shape().toString();
        return shape.substring(1, shape.length() - 1);
    }

    private static Map<String, Object> spec(String name, String datatype, List<Integer> shape) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", name);
        spec.put("datatype", datatype);
        spec.put("shape", shape);
        return spec;
    }

    private static Map<String, Object> tensor(String name, List<Integer> shape, String datatype, Object data) {
        Map<String, Object> tensor = spec(name, datatype, shape);
        tensor.put("data", data);
        return tensor;
    }
}

package io.kdstream.core.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.schemas.DType;

/**
 * Reads and writes task files, the JSON an operator declares a task in (the same shape as {@code GET /v1/model}'s
 * {@code task}):
 *
 * <pre>{@code
 * {
 *   "name": "card-fraud",
 *   "input": {"dtype": "float32", "shape": [4], "range": [-50, 50],
 *             "features": ["amount", "hour", "merchant_risk", "distance_km"]},
 *   "classes": ["legit", "fraud"]
 * }
 * }</pre>
 *
 * {@code input.range} is optional: uint8 inputs default to [0, 1], float32 inputs to unbounded ({@code null} for
 * either end also means unbounded). {@code input.features} is optional. Every mistake in a file is reported at once,
 * each naming its key; unknown keys are mistakes too, since a misspelt key would otherwise be silently ignored.
 */
public final class TaskFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_KEYS = Set.of("name", "input", "classes");
    private static final Set<String> INPUT_KEYS = Set.of("dtype", "shape", "range", "features");

    private TaskFiles() {
    }

    /**
     * A built-in task by name ({@link BuiltInTasks#names()}), or else a task file at that path.
     *
     * @throws InvalidTaskException naming every problem, or that the name is neither a built-in nor a readable file
     */
    public static TaskContract resolve(String nameOrPath) {
        var builtIn = BuiltInTasks.named(nameOrPath.trim());
        if (builtIn.isPresent()) {
            return builtIn.get();
        }
        return read(Path.of(nameOrPath.trim()));
    }

    public static TaskContract read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidTaskException(file.toString(), List.of("'" + file + "' is neither a built-in task "
                    + BuiltInTasks.names() + " nor an existing task file"));
        } catch (IOException e) {
            throw new InvalidTaskException(file.toString(), List.of("cannot read " + file + ": " + e.getMessage()));
        }
        return parse(text, file.toString());
    }

    /** @param source where the text came from, for the error message */
    public static TaskContract parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new InvalidTaskException(source, List.of("not JSON" + (where == null ? "" : " at line "
                    + where.getLineNr() + " column " + where.getColumnNr()) + ": " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTaskException(source, List.of("a task file holds one JSON object with name, input and classes"));
        }
        List<String> problems = new ArrayList<>();
        unknownKeys(root, TOP_KEYS, "", problems);
        String name = text(root, "name", problems);
        JsonNode input = root.path("input");
        if (!input.isObject()) {
            problems.add("input: missing; give {\"dtype\": ..., \"shape\": [...]}");
            input = JSON.createObjectNode();
        }
        unknownKeys(input, INPUT_KEYS, "input.", problems);
        DType dtype = dtype(input.path("dtype"), problems);
        List<Integer> shape = shape(input.path("shape"), problems);
        float[] range = range(input.path("range"), dtype, problems);
        List<String> classes = names(root.path("classes"), "classes", true, problems);
        List<String> features = names(input.path("features"), "input.features", false, problems);
        if (problems.isEmpty()) {
            return new TaskContract(name, dtype, shape, range[0], range[1], classes, features);
        }
        // Collect the contract's own rules too, so one pass shows every mistake: a field that could not be read is
        // stood in for, and the rules that depend on it are left out (its own problem is already reported).
        DType assumedType = dtype != null ? dtype : DType.FLOAT32;
        List<Integer> assumedShape = shape != null ? shape : List.of(Math.max(1, features.size()));
        problems.addAll(TaskProblems.of(name, assumedType, assumedShape, range[0], range[1], classes, features).stream()
                .filter(problem -> name != null || !problem.startsWith("name:"))
                .filter(problem -> dtype != null || !(problem.startsWith("input.dtype:") || problem.startsWith("input.range:")))
                .filter(problem -> shape != null || !(problem.startsWith("input.shape:") || problem.startsWith("input.features:")))
                .toList());
        throw new InvalidTaskException(name == null ? source : name, problems.stream().distinct().toList());
    }

    /** The task as a task file (and as {@code GET /v1/model} shows it). */
    public static ObjectNode toJson(TaskContract task) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", task.name());
        ObjectNode input = root.putObject("input");
        input.put("dtype", task.dtype().name().toLowerCase(Locale.ROOT));
        ArrayNode shape = input.putArray("shape");
        task.shape().forEach(shape::add);
        ArrayNode range = input.putArray("range");
        if (Float.isFinite(task.low())) {
            range.add(task.low());
        } else {
            range.addNull();
        }
        if (Float.isFinite(task.high())) {
            range.add(task.high());
        } else {
            range.addNull();
        }
        if (task.hasFeatureNames()) {
            ArrayNode features = input.putArray("features");
            task.featureNames().forEach(features::add);
        }
        ArrayNode classes = root.putArray("classes");
        task.classNames().forEach(classes::add);
        return root;
    }

    public static String toJsonText(TaskContract task) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(task));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a task always renders as JSON", e);
        }
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!known.contains(key)) {
                problems.add(prefix + key + ": unknown key; expected one of " + known.stream().sorted().toList());
            }
        }
    }

    private static String text(JsonNode root, String key, List<String> problems) {
        JsonNode node = root.path(key);
        if (!node.isTextual()) {
            problems.add(key + ": missing or not a string");
            return null;
        }
        return node.asText();
    }

    private static DType dtype(JsonNode node, List<String> problems) {
        String value = node.isTextual() ? node.asText().toLowerCase(Locale.ROOT) : "";
        return switch (value) {
            case "uint8" -> DType.UINT8;
            case "float32" -> DType.FLOAT32;
            default -> {
                problems.add("input.dtype: " + (node.isMissingNode() ? "missing"
                        : "'" + (node.isTextual() ? node.asText() : node.toString()) + "' is not supported")
                        + "; use \"uint8\" (images) or \"float32\"");
                yield null;
            }
        };
    }

    private static List<Integer> shape(JsonNode node, List<String> problems) {
        if (!node.isArray()) {
            problems.add("input.shape: missing or not an array; e.g. [16] for vectors or [3, 32, 32] for images");
            return null;
        }
        List<Integer> shape = new ArrayList<>();
        for (JsonNode dimension : node) {
            if (!dimension.canConvertToInt() || !dimension.isIntegralNumber()) {
                problems.add("input.shape: " + node + " must hold whole numbers");
                return null;
            }
            shape.add(dimension.intValue());
        }
        return shape;
    }

    private static float[] range(JsonNode node, DType dtype, List<String> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return dtype == DType.UINT8 ? new float[] {0f, 1f} : new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        }
        if (!node.isArray() || node.size() != 2 || !(node.get(0).isNumber() || node.get(0).isNull())
                || !(node.get(1).isNumber() || node.get(1).isNull())) {
            problems.add("input.range: " + node + " must be [low, high], numbers or null for an open end");
            return new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        }
        float low = node.get(0).isNull() ? Float.NEGATIVE_INFINITY : node.get(0).floatValue();
        float high = node.get(1).isNull() ? Float.POSITIVE_INFINITY : node.get(1).floatValue();
        return new float[] {low, high};
    }

    private static List<String> names(JsonNode node, String key, boolean required, List<String> problems) {
        if (node.isMissingNode() || node.isNull()) {
            if (required) {
                problems.add(key + ": missing; give one name per class, e.g. [\"legit\", \"fraud\"]");
            }
            return List.of();
        }
        if (!node.isArray()) {
            problems.add(key + ": must be an array of strings");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : node) {
            if (!name.isTextual()) {
                problems.add(key + ": " + name + " is not a string");
                return List.of();
            }
            names.add(name.asText());
        }
        return names;
    }
}

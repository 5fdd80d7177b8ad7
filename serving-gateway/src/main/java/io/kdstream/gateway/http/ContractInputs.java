package io.kdstream.gateway.http;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;

/**
 * Reads JSON inputs against the served model's task contract, for both the v1 API and the Open Inference Protocol:
 * one input as a flat array, as nested arrays matching the contract's shape (dimensions of size 1 may be left out),
 * or, for tasks with feature names, as an object of named features. Values are on the model's scale and must be
 * finite and inside a bounded range. Every error is a 400 naming the element and the expected shape.
 */
final class ContractInputs {

    private ContractInputs() {
    }

    /**
     * What one input must look like, for error messages: {@code float32 [16] (16 values, or an object of named
     * features x00..x15)} or {@code uint8 [1, 28, 28] (784 values in 0.0..1.0, flat or nested as [1, 28, 28])}.
     */
    static String expected(TaskContract task) {
        StringBuilder text = new StringBuilder(task.inputDescription()).append(" (").append(task.inputSize()).append(" values");
        if (task.bounded()) {
            text.append(" in ").append(range(task));
        }
        if (task.shape().size() > 1) {
            text.append(", flat or nested as ").append(task.shape());
        }
        if (task.hasFeatureNames()) {
            List<String> names = task.featureNames();
            text.append(", or an object of named features ").append(names.get(0)).append("..").append(names.get(names.size() - 1));
        }
        return text.append(")").toString();
    }

    /** Reads one input at {@code path} into {@code target} from {@code offset}. */
    static void readInput(JsonNode node, String path, TaskContract task, float[] target, int offset) {
        if (node.isObject() && task.hasFeatureNames()) {
            readFeatures(node, path, task, target, offset);
            return;
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("bad-shape", path + " is " + kind(node) + " but must be " + expected(task));
        }
        List<Integer> shape = shapeOf(node, path, task);
        if (!(shape.size() == 1 && shape.get(0) == task.inputSize()) && !task.sameShape(shape)) {
            throw ApiException.badRequest("bad-shape", path + " has shape " + shape + " but must be " + expected(task));
        }
        readValues(node, path, task, target, offset);
    }

    /**
     * Reads exactly {@code count} values from a flat or nested array (an Open Inference Protocol tensor's data),
     * counting them before anything is allocated, so a claimed shape larger than the data costs nothing.
     *
     * @throws ApiException 400 when the array holds another number of values, naming both
     */
    static float[] readExactly(JsonNode node, String path, TaskContract task, long count) {
        long found = countLeaves(node, count);
        if (found != count) {
            throw ApiException.badRequest("bad-shape", path + " holds " + (found > count ? "more than " + count : found)
                    + " values but its shape needs " + count);
        }
        float[] values = new float[(int) count];
        readValues(node, path, task, values, 0);
        return values;
    }

    /** One value on the model's scale: a finite number inside a bounded range. */
    static float value(JsonNode node, String path, TaskContract task) {
        if (!node.isNumber()) {
            throw ApiException.badRequest("not-a-number", path + " must be a number but is " + kind(node));
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw ApiException.badRequest("not-finite", path + " is " + value + "; values must be finite numbers");
        }
        if (!task.inRange((float) value)) {
            throw ApiException.badRequest("out-of-range", path + " is " + value + " but values must lie in " + range(task)
                    + (task.dtype() == DType.UINT8 && task.high() == 1f ? " (divide 0-255 pixel values by 255)" : ""));
        }
        return (float) value;
    }

    /** How a JSON value looks, briefly, for error messages. */
    static String kind(JsonNode node) {
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

    private static String range(TaskContract task) {
        return task.low() + ".." + task.high();
    }

    private static void readFeatures(JsonNode node, String path, TaskContract task, float[] target, int offset) {
        Map<String, Integer> index = task.featureIndex();
        TreeSet<String> missing = new TreeSet<>(index.keySet());
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!missing.remove(name)) {
                unknown.add(name.length() > 40 ? name.substring(0, 40) + "…" : name);
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!missing.isEmpty()) {
                problems.add("misses features " + String.join(", ", missing));
            }
            if (!unknown.isEmpty()) {
                problems.add("has unknown features " + String.join(", ", unknown.subList(0, Math.min(unknown.size(), 20))));
            }
            throw ApiException.badRequest("bad-features", path + " " + String.join(" and ", problems) + "; expected "
                    + expected(task));
        }
        for (Map.Entry<String, Integer> feature : index.entrySet()) {
            target[offset + feature.getValue()] = value(node.get(feature.getKey()), path + "." + feature.getKey(), task);
        }
    }

    /** The shape of a nested array, from its first elements, checking every sibling has it (no ragged arrays). */
    private static List<Integer> shapeOf(JsonNode node, String path, TaskContract task) {
        List<Integer> shape = new ArrayList<>();
        for (JsonNode level = node; level.isArray(); level = level.get(0)) {
            shape.add(level.size());
            if (level.isEmpty()) {
                break;
            }
        }
        checkRegular(node, path, shape, 0, task);
        return shape;
    }

    private static void checkRegular(JsonNode node, String path, List<Integer> shape, int depth, TaskContract task) {
        boolean leafLevel = depth == shape.size();
        if (leafLevel == node.isArray()) {
            throw ApiException.badRequest("bad-shape", path + " is " + kind(node) + " where its siblings are "
                    + (leafLevel ? "numbers" : "arrays") + "; each input must be " + expected(task));
        }
        if (!leafLevel && node.size() != shape.get(depth)) {
            throw ApiException.badRequest("bad-shape", path + " has " + node.size() + " values where its siblings have "
                    + shape.get(depth) + "; each input must be " + expected(task));
        }
        if (!leafLevel && depth + 1 < shape.size()) {
            for (int i = 0; i < node.size(); i++) {
                checkRegular(node.get(i), path + "[" + i + "]", shape, depth + 1, task);
            }
        }
    }

    /** Writes the leaves of a regular array in row-major order; returns the offset after the last one. */
    private static int readValues(JsonNode node, String path, TaskContract task, float[] target, int offset) {
        if (!node.isArray()) {
            target[offset] = value(node, path, task);
            return offset + 1;
        }
        int next = offset;
        for (int i = 0; i < node.size(); i++) {
            next = readValues(node.get(i), path + "[" + i + "]", task, target, next);
        }
        return next;
    }

    /** Leaves of a nested array, counting no further than one past {@code limit}. */
    private static long countLeaves(JsonNode node, long limit) {
        if (!node.isArray()) {
            return 1;
        }
        long count = 0;
        for (JsonNode element : node) {
            count += countLeaves(element, limit - count);
            if (count > limit) {
                return count;
            }
        }
        return count;
    }
}

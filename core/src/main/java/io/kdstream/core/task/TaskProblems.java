package io.kdstream.core.task;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.kdstream.schemas.DType;

/**
 * The rules of a task contract, as messages that name the key of the task file ({@code name}, {@code input.dtype},
 * {@code input.shape}, {@code input.range}, {@code input.features}, {@code classes}) and what would be right.
 */
final class TaskProblems {

    /** Lowercase, short, safe as a metric tag and a file name. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Bounds what a contract can make a service allocate per input (64 Mi elements, 256 MiB as floats). */
    static final int MAX_INPUT_SIZE = 1 << 26;
    static final int MAX_CLASSES = 100_000;
    static final int MAX_RANK = 4;

    private TaskProblems() {
    }

    static List<String> of(String name, DType dtype, List<Integer> shape, float low, float high,
                           List<String> classNames, List<String> featureNames) {
        List<String> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name: '" + name + "' must be 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (dtype != DType.UINT8 && dtype != DType.FLOAT32) {
            problems.add("input.dtype: '" + dtype + "' is not supported; use uint8 (images) or float32");
        }
        shapeProblems(shape, problems);
        if (Float.isNaN(low) || Float.isNaN(high) || !(low < high)) {
            problems.add("input.range: [" + low + ", " + high + "] must be two numbers, low < high");
        } else if (dtype == DType.UINT8 && !(Float.isFinite(low) && Float.isFinite(high))) {
            problems.add("input.range: a uint8 task needs a finite range (byte 0 maps to low, 255 to high), e.g. [0, 1]");
        }
        if (classNames.size() < 2 || classNames.size() > MAX_CLASSES) {
            problems.add("classes: " + classNames.size() + " class names given; a classifier needs 2 to " + MAX_CLASSES);
        }
        namesProblems("classes", classNames, problems);
        if (!featureNames.isEmpty()) {
            if (shape.size() != 1) {
                problems.add("input.features: feature names are for vector inputs (a shape of one dimension) but the shape is " + shape);
            } else if (featureNames.size() != shape.get(0)) {
                problems.add("input.features: " + featureNames.size() + " names for " + shape.get(0) + " features; give one name per feature or none");
            }
            namesProblems("input.features", featureNames, problems);
        }
        return problems;
    }

    private static void shapeProblems(List<Integer> shape, List<String> problems) {
        if (shape.isEmpty() || shape.size() > MAX_RANK) {
            problems.add("input.shape: " + shape + " must have 1 to " + MAX_RANK + " dimensions: [features] or [channels, height, width]");
            return;
        }
        long size = 1;
        for (Integer dimension : shape) {
            if (dimension == null || dimension < 1) {
                problems.add("input.shape: " + shape + " must hold positive sizes only");
                return;
            }
            size *= dimension;
        }
        if (size > MAX_INPUT_SIZE) {
            problems.add("input.shape: " + shape + " holds " + size + " elements, more than the limit of " + MAX_INPUT_SIZE);
        }
    }

    private static void namesProblems(String key, List<String> names, List<String> problems) {
        Set<String> seen = new HashSet<>();
        List<String> blank = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String value = names.get(i);
            if (value == null || value.isBlank()) {
                blank.add(String.valueOf(i));
            } else if (!seen.add(value)) {
                repeated.add(value);
            }
        }
        if (!blank.isEmpty()) {
            problems.add(key + ": names at positions " + blank + " are blank");
        }
        if (!repeated.isEmpty()) {
            problems.add(key + ": names " + repeated + " appear more than once; each must be unique");
        }
    }
}

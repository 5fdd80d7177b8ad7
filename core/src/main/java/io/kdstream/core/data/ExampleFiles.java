package io.kdstream.core.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import io.kdstream.core.task.TaskContract;

/** Opens a data file by its extension: {@code .csv} or {@code .jsonl} / {@code .ndjson}, each optionally {@code .gz}. */
public final class ExampleFiles {

    /** Problems of skipped rows a reader keeps for its report. */
    public static final int PROBLEMS_KEPT = 10;

    private ExampleFiles() {
    }

    /**
     * A streaming reader of {@code file}.
     *
     * @param labelColumn the CSV label column's name, or null; JSON Lines always read the {@code label} key
     * @throws IllegalArgumentException for an extension that is neither
     * @throws BadRowException          when a CSV header does not fit the task
     */
    public static ExampleReader open(Path file, TaskContract task, String labelColumn, BadRowPolicy policy) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".csv")) {
            return new CsvExamples(file, task, labelColumn, policy);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return new JsonLinesExamples(file, task, policy);
        }
        throw new IllegalArgumentException(file + ": expected a .csv or .jsonl (.ndjson) file, optionally gzipped (.gz)");
    }

    /**
     * Every example of {@code file} in memory, for training a teacher: the first bad row stops the read, and every row
     * must carry a label.
     *
     * @throws BadRowException naming line and column of the first bad or unlabelled row
     */
    public static LabeledVectors readLabelled(Path file, TaskContract task, String labelColumn) {
        int size = task.inputSize();
        float[] values = new float[size * 1024];
        int[] labels = new int[1024];
        int count = 0;
        try (ExampleReader reader = open(file, task, labelColumn, BadRowPolicy.STOP)) {
            LabeledExample example;
            while ((example = reader.next()) != null) {
                if (!example.hasLabel()) {
                    throw new BadRowException(file.toString(), reader.line(), 1, "the row has no label; training needs one on every row"
                            + (labelColumn == null ? " (name the CSV label column)" : ""));
                }
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, count * 2);
                    values = Arrays.copyOf(values, count * 2 * size);
                }
                System.arraycopy(example.input(), 0, values, count * size, size);
                labels[count++] = example.label();
            }
        }
        return new LabeledVectors(task, Arrays.copyOf(values, count * size), Arrays.copyOf(labels, count));
    }
}

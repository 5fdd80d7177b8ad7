package io.kdstream.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.kdstream.core.task.TaskContract;

/**
 * Examples from a CSV file with a header row, streamed a line at a time.
 *
 * <p>Feature columns are matched by name when the task names its features and the header holds every one of them (in
 * any order; other columns are ignored); otherwise every column but the label is a feature, in the task's input order,
 * and their count must be the task's input size. The optional label column, named by the caller, holds class names or
 * class indices. Cells are numbers on the model's scale. Fields may be double-quoted ({@code ""} for a quote), but a
 * field may not span lines.
 */
public final class CsvExamples extends LineExampleReader {

    private final int[] featureColumns;
    private final int labelColumn;
    private final List<String> header;

    /**
     * @param labelColumn the header name of the label column, or null when the file has no labels
     * @throws BadRowException naming the header line when the header does not fit the task
     */
    public CsvExamples(Path file, TaskContract task, String labelColumn, BadRowPolicy policy) {
        super(file, task, policy);
        String headerLine = readLine();
        if (headerLine == null) {
            throw bad(1, "the file is empty; expected a header row naming the columns");
        }
        this.header = fields(headerLine);
        this.labelColumn = labelColumn == null ? -1 : header.indexOf(labelColumn);
        if (labelColumn != null && this.labelColumn < 0) {
            throw bad(1, "no label column '" + labelColumn + "' in the header " + header);
        }
        this.featureColumns = featureColumns();
    }

    private int[] featureColumns() {
        int size = task.inputSize();
        if (task.hasFeatureNames() && header.containsAll(task.featureNames())) {
            return task.featureNames().stream().mapToInt(header::indexOf).toArray();
        }
        List<Integer> columns = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (c != labelColumn) {
                columns.add(c);
            }
        }
        if (columns.size() != size) {
            String byName = "";
            if (task.hasFeatureNames()) {
                Set<String> missing = new HashSet<>(task.featureNames());
                header.forEach(missing::remove);
                byName = "; matching by name, the header lacks " + missing.stream().sorted().toList();
            }
            throw bad(1, "the header has " + columns.size() + " feature column(s)" + (labelColumn >= 0 ? " besides the label" : "")
                    + " but task " + task.name() + " takes " + size + " values (" + task.inputDescription() + ")" + byName);
        }
        return columns.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    protected LabeledExample parse(String line) {
        List<String> cells = fields(line);
        if (cells.size() != header.size()) {
            throw bad(Math.min(cells.size(), header.size()) + 1, "the row has " + cells.size() + " cell(s) but the header has "
                    + header.size() + " column(s)");
        }
        float[] input = new float[featureColumns.length];
        for (int i = 0; i < featureColumns.length; i++) {
            int column = featureColumns[i];
            String cell = cells.get(column).trim();
            String what = "cell '" + header.get(column) + "'";
            try {
                input[i] = checkedValue(Double.parseDouble(cell), column + 1, what);
            } catch (NumberFormatException e) {
                throw bad(column + 1, what + " holds '" + cell + "', not a number");
            }
        }
        int label = labelColumn < 0 ? LabeledExample.NO_LABEL : classOf(cells.get(labelColumn), labelColumn + 1);
        return new LabeledExample(input, label);
    }

    /** Splits one line into fields, honouring double quotes. */
    private List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw bad(fields.size() + 1, "a quoted field is not closed on this line");
        }
        fields.add(field.toString());
        return fields;
    }
}

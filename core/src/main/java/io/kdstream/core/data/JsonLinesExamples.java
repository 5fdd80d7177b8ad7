package io.kdstream.core.data;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.kdstream.core.task.TaskContract;

/**
 * Examples from a JSON Lines file, one object a line: {@code {"input": [...], "label": ...}}, streamed a line at a
 * time. {@code input} is the flat vector or nested arrays matching the task's shape (read row-major), on the model's
 * scale; the optional {@code label} is a class name or a class index. Other keys are ignored. Columns in errors are
 * character positions within the line.
 */
public final class JsonLinesExamples extends LineExampleReader {

    public static final String INPUT_KEY = "input";
    public static final String LABEL_KEY = "label";

    private static final JsonFactory JSON = new JsonFactory();

    public JsonLinesExamples(Path file, TaskContract task, BadRowPolicy policy) {
        super(file, task, policy);
    }

    @Override
    protected LabeledExample parse(String line) {
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw bad(column(parser), "expected a JSON object {\"input\": [...], \"label\": ...}");
            }
            float[] input = null;
            int label = LabeledExample.NO_LABEL;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                if (INPUT_KEY.equals(key)) {
                    input = input(parser);
                } else if (LABEL_KEY.equals(key)) {
                    label = label(parser, value);
                } else {
                    parser.skipChildren();
                }
            }
            if (input == null) {
                throw bad(1, "no \"input\" key; expected " + task.inputSize() + " numbers (" + task.inputDescription() + ")");
            }
            return new LabeledExample(input, label);
        } catch (JsonProcessingException e) {
            int column = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getColumnNr());
            throw bad(column, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad(1, "cannot be read as JSON: " + e.getMessage());
        }
    }

    /** The input's numbers, nested arrays flattened row-major; their count must be the task's input size. */
    private float[] input(JsonParser parser) throws IOException {
        int start = column(parser);
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw bad(start, "\"input\" must be an array of " + task.inputSize() + " numbers (" + task.inputDescription() + ")");
        }
        float[] values = new float[task.inputSize()];
        int count = 0;
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_ARRAY) {
                depth--;
            } else if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                if (count == values.length) {
                    throw bad(column(parser), "\"input\" holds more than the " + values.length + " numbers of task "
                            + task.name() + " (" + task.inputDescription() + ")");
                }
                values[count] = checkedValue(parser.getDoubleValue(), column(parser), "input element " + count);
                count++;
            } else {
                throw bad(column(parser), "input element " + count + " is " + parser.getText() + ", not a number");
            }
        }
        if (count != values.length) {
            throw bad(start, "\"input\" holds " + count + " numbers but task " + task.name() + " takes " + values.length
                    + " (" + task.inputDescription() + ")");
        }
        return values;
    }

    private int label(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT) {
            return classOf(parser.getText(), column(parser));
        }
        if (value == JsonToken.VALUE_NULL) {
            return LabeledExample.NO_LABEL;
        }
        throw bad(column(parser), "\"label\" must be a class name or a class index but is " + parser.getText());
    }

    private static int column(JsonParser parser) {
        return parser.currentTokenLocation().getColumnNr();
    }
}

package io.kdstream.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleFilesTest {

    /** Three named features, three classes: small enough to write rows by hand. */
    private static final TaskContract TASK = new TaskContract("fraud", DType.FLOAT32, List.of(3), Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, List.of("ok", "review", "fraud"), List.of("amount", "age", "hour"));
    private static final TaskContract UNIT_TASK = new TaskContract("unit", DType.FLOAT32, List.of(2), 0f, 1f,
            List.of("a", "b"), List.of());

    @TempDir
    Path dir;

    @Test
    void shouldMatchCsvFeaturesByNameInAnyOrderAndReadClassNamesOrIndices() throws IOException {
        Path file = write("data.csv", "id,hour,amount,class,age", "r1,3,12.5,fraud,40", "r2,\"4\",1e2,0,41");

        List<LabeledExample> examples = readAll(ExampleFiles.open(file, TASK, "class", BadRowPolicy.STOP));

        assertThat(examples).hasSize(2);
        assertThat(examples.get(0).input()).containsExactly(12.5f, 40f, 3f);
        assertThat(examples.get(0).label()).isEqualTo(2);
        assertThat(examples.get(1).input()).containsExactly(100f, 41f, 4f);
        assertThat(examples.get(1).label()).isZero();
    }

    @Test
    void shouldTakeCsvColumnsInTheTasksOrderWhenTheyAreNotNamedAndLeaveTheLabelOutWhenThereIsNone() throws IOException {
        Path file = write("data.csv", "f1,f2,f3", "1,2,3", "", "4,5,6");

        List<LabeledExample> examples = readAll(ExampleFiles.open(file, TASK, null, BadRowPolicy.STOP));

        assertThat(examples).extracting(LabeledExample::hasLabel).containsExactly(false, false);
        assertThat(examples.get(1).input()).containsExactly(4f, 5f, 6f);
    }

    @Test
    void shouldNameLineAndColumnOfARaggedCsvRow() throws IOException {
        Path file = write("data.csv", "amount,age,hour,class", "1,2,3,ok", "1,2,ok");

        assertThatThrownBy(() -> readAll(ExampleFiles.open(file, TASK, "class", BadRowPolicy.STOP)))
                .isInstanceOfSatisfying(BadRowException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(4);
                })
                .hasMessageContaining("line 3, column 4: the row has 3 cell(s) but the header has 4 column(s)");
    }

    @Test
    void shouldNameLineAndColumnOfANonNumericCsvCell() throws IOException {
        Path file = write("data.csv", "amount,age,hour,class", "1,2,3,ok", "1,two,3,ok");

        assertThatThrownBy(() -> readAll(ExampleFiles.open(file, TASK, "class", BadRowPolicy.STOP)))
                .hasMessageContaining("line 3, column 2: cell 'age' holds 'two', not a number");
    }

    @Test
    void shouldNameLineAndColumnOfACsvLabelThatIsNotAClass() throws IOException {
        Path file = write("data.csv", "amount,age,hour,class", "1,2,3,zebra");

        assertThatThrownBy(() -> readAll(ExampleFiles.open(file, TASK, "class", BadRowPolicy.STOP)))
                .hasMessageContaining("line 2, column 4: label 'zebra' is neither a class of task fraud [ok, review, fraud] nor a class index 0..2");
        Path outOfRange = write("index.csv", "amount,age,hour,class", "1,2,3,3");
        assertThatThrownBy(() -> readAll(ExampleFiles.open(outOfRange, TASK, "class", BadRowPolicy.STOP)))
                .hasMessageContaining("label '3' is neither");
    }

    @Test
    void shouldRefuseValuesOutsideABoundedTasksRangeAndNonFiniteOnes() throws IOException {
        Path file = write("data.csv", "p,q", "0.5,1.5");
        Path nan = write("nan.csv", "p,q", "NaN,0");

        assertThatThrownBy(() -> readAll(ExampleFiles.open(file, UNIT_TASK, null, BadRowPolicy.STOP)))
                .hasMessageContaining("line 2, column 2: cell 'q' is 1.5, outside task unit's range [0.0, 1.0]");
        assertThatThrownBy(() -> readAll(ExampleFiles.open(nan, UNIT_TASK, null, BadRowPolicy.STOP)))
                .hasMessageContaining("line 2, column 1: cell 'p' is NaN, not a finite number");
    }

    @Test
    void shouldRefuseACsvHeaderThatDoesNotFitTheTask() throws IOException {
        Path missingFeature = write("short.csv", "amount,hour,class", "1,2,ok");
        Path noLabel = write("nolabel.csv", "amount,age,hour", "1,2,3");
        Path empty = write("empty.csv");

        assertThatThrownBy(() -> ExampleFiles.open(missingFeature, TASK, "class", BadRowPolicy.SKIP))
                .hasMessageContaining("line 1, column 1: the header has 2 feature column(s) besides the label but task fraud takes 3 values")
                .hasMessageContaining("the header lacks [age]");
        assertThatThrownBy(() -> ExampleFiles.open(noLabel, TASK, "class", BadRowPolicy.SKIP))
                .hasMessageContaining("no label column 'class' in the header [amount, age, hour]");
        assertThatThrownBy(() -> ExampleFiles.open(empty, TASK, null, BadRowPolicy.SKIP))
                .hasMessageContaining("the file is empty");
    }

    @Test
    void shouldSkipAndCountBadRowsKeepingTheirProblemsWhenAskedTo() throws IOException {
        Path file = write("data.csv", "amount,age,hour,class", "1,2,3,ok", "1,2", "x,2,3,ok", "4,5,6,fraud", "1,2,3,cat");

        try (ExampleReader reader = ExampleFiles.open(file, TASK, "class", BadRowPolicy.SKIP)) {
            List<LabeledExample> examples = readAll(reader);

            assertThat(examples).extracting(LabeledExample::label).containsExactly(0, 2);
            assertThat(reader.skipped()).isEqualTo(3);
            assertThat(reader.problems()).hasSize(3).first().asString().contains("line 3, column 3");
        }
    }

    @Test
    void shouldReadJsonLinesWithFlatOrNestedInputsAndNamedOrIndexedLabels() throws IOException {
        Path file = write("data.jsonl",
                "{\"input\": [1, 2.5, 3], \"label\": \"review\"}",
                "{\"id\": {\"x\": [9]}, \"input\": [[4], [5, 6]], \"label\": 2}",
                "{\"input\": [7, 8, 9]}");

        List<LabeledExample> examples = readAll(ExampleFiles.open(file, TASK, null, BadRowPolicy.STOP));

        assertThat(examples).extracting(LabeledExample::label).containsExactly(1, 2, LabeledExample.NO_LABEL);
        assertThat(examples.get(0).input()).containsExactly(1f, 2.5f, 3f);
        assertThat(examples.get(1).input()).containsExactly(4f, 5f, 6f);
    }

    @Test
    void shouldNameLineAndColumnOfEachKindOfBadJsonLine() throws IOException {
        assertBadJsonLine("{\"input\": [1, 2], \"label\": 0}", "line 2, column 11: \"input\" holds 2 numbers but task fraud takes 3");
        assertBadJsonLine("{\"input\": [1, 2, 3, 4]}", "line 2, column 21: \"input\" holds more than the 3 numbers");
        assertBadJsonLine("{\"input\": [1, \"x\", 3]}", "line 2, column 15: input element 1 is x, not a number");
        assertBadJsonLine("{\"input\": [1, 2, 3], \"label\": \"cat\"}", "line 2, column 31: label 'cat' is neither a class");
        assertBadJsonLine("{\"input\": [1, 2, 3], \"label\": 1.5}", "line 2, column 31: \"label\" must be a class name or a class index");
        assertBadJsonLine("{\"label\": 1}", "line 2, column 1: no \"input\" key; expected 3 numbers (float32 [3])");
        assertBadJsonLine("[1, 2, 3]", "line 2, column 1: expected a JSON object");
        assertBadJsonLine("{\"input\": [1, 2, 3}", "line 2, column 19: not valid JSON");
    }

    @Test
    void shouldReadLabelledFilesWhole() throws IOException {
        Path file = write("data.csv", "amount,age,hour,class", "1,2,3,ok", "4,5,6,fraud");
        Path unlabelled = write("data.jsonl", "{\"input\": [1, 2, 3], \"label\": 0}", "{\"input\": [1, 2, 3]}");

        LabeledVectors data = ExampleFiles.readLabelled(file, TASK, "class");

        assertThat(data.count()).isEqualTo(2);
        assertThat(data.input(1)).containsExactly(4f, 5f, 6f);
        assertThatThrownBy(() -> ExampleFiles.readLabelled(unlabelled, TASK, null))
                .hasMessageContaining("line 2, column 1: the row has no label");
        assertThatThrownBy(() -> ExampleFiles.open(dir.resolve("data.parquet"), TASK, null, BadRowPolicy.STOP))
                .hasMessageContaining("expected a .csv or .jsonl");
    }

    private void assertBadJsonLine(String line, String message) throws IOException {
        Path file = write("bad.jsonl", "{\"input\": [0, 0, 0], \"label\": 0}", line);
        assertThatThrownBy(() -> readAll(ExampleFiles.open(file, TASK, null, BadRowPolicy.STOP)))
                .isInstanceOf(BadRowException.class)
                .hasMessageContaining(message);
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    private static List<LabeledExample> readAll(ExampleReader reader) {
        List<LabeledExample> examples = new ArrayList<>();
        LabeledExample example;
        while ((example = reader.next()) != null) {
            examples.add(example);
        }
        return examples;
    }
}

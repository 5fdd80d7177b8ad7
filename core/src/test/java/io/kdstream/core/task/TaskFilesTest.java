package io.kdstream.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.kdstream.schemas.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskFilesTest {

    @Test
    void shouldReadATaskFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fraud.json");
        Files.writeString(file, """
                {"name": "card-fraud",
                 "input": {"dtype": "float32", "shape": [3], "range": [-50, null], "features": ["amount", "hour", "risk"]},
                 "classes": ["legit", "fraud"]}
                """);

        TaskContract task = TaskFiles.resolve(file.toString());

        assertThat(task.name()).isEqualTo("card-fraud");
        assertThat(task.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(task.shape()).containsExactly(3);
        assertThat(task.low()).isEqualTo(-50f);
        assertThat(task.high()).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(task.featureNames()).containsExactly("amount", "hour", "risk");
        assertThat(task.classNames()).containsExactly("legit", "fraud");
    }

    @Test
    void shouldDefaultTheRangeByElementType() {
        TaskContract image = TaskFiles.parse("""
                {"name": "cifar", "input": {"dtype": "uint8", "shape": [3, 32, 32]}, "classes": ["a", "b"]}""", "test");
        TaskContract vector = TaskFiles.parse("""
                {"name": "v", "input": {"dtype": "float32", "shape": [4]}, "classes": ["a", "b"]}""", "test");

        assertThat(image.low()).isZero();
        assertThat(image.high()).isEqualTo(1f);
        assertThat(vector.bounded()).isFalse();
    }

    @Test
    void shouldResolveBuiltInsByName() {
        assertThat(TaskFiles.resolve("fashion-mnist")).isSameAs(BuiltInTasks.FASHION_MNIST);
        assertThat(TaskFiles.resolve(" tabular-rbf ")).isSameAs(BuiltInTasks.TABULAR_RBF);
    }

    @Test
    void shouldRoundTripEveryBuiltInThroughItsFile() {
        for (String name : BuiltInTasks.names()) {
            TaskContract task = BuiltInTasks.named(name).orElseThrow();
            assertThat(TaskFiles.parse(TaskFiles.toJsonText(task), name)).isEqualTo(task);
        }
    }

    @Test
    void shouldReportEveryMistakeInAFileAtOnceNamingTheKey() {
        assertThatThrownBy(() -> TaskFiles.parse("""
                {"name": "Fraud!", "input": {"dtype": "float64", "shape": [3], "range": [5, 1], "feature": []},
                 "classes": ["legit"], "labels": 2}""", "fraud.json"))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("labels: unknown key"))
                        .anyMatch(p -> p.startsWith("input.feature: unknown key"))
                        .anyMatch(p -> p.startsWith("input.dtype: 'float64' is not supported"))
                        .hasSizeGreaterThanOrEqualTo(3));
        assertThatThrownBy(() -> TaskFiles.parse("""
                {"name": "Fraud!", "input": {"dtype": "float32", "shape": [3], "range": [5, 1]}, "classes": ["legit"]}""",
                "fraud.json"))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.problems()).hasSize(3)
                        .anyMatch(p -> p.startsWith("name:"))
                        .anyMatch(p -> p.startsWith("input.range:"))
                        .anyMatch(p -> p.startsWith("classes: 1 class names given")));
    }

    @Test
    void shouldStillCheckClassesAndFeaturesWhenTheElementTypeIsWrong() {
        assertThatThrownBy(() -> TaskFiles.parse("""
                {"name": "fraud", "input": {"dtype": "float64", "shape": [4], "features": ["a", "b", "c"]},
                 "classes": ["legit"]}""", "fraud.json"))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.problems()).hasSize(3)
                        .anyMatch(p -> p.equals("input.dtype: 'float64' is not supported; use \"uint8\" (images) or \"float32\""))
                        .anyMatch(p -> p.startsWith("input.features: 3 names for 4 features"))
                        .anyMatch(p -> p.startsWith("classes: 1 class names given")));
    }

    @Test
    void shouldSayWhereAFileIsNotJson() {
        assertThatThrownBy(() -> TaskFiles.parse("{\"name\": \"x\",\n  \"input\": {", "broken.json"))
                .isInstanceOf(InvalidTaskException.class).hasMessageContaining("not JSON at line 2");
    }

    @Test
    void shouldNameBuiltInsWhenAFileIsMissing() {
        assertThatThrownBy(() -> TaskFiles.resolve("no-such-task"))
                .hasMessageContaining("neither a built-in task " + List.of("fashion-mnist", "tabular-rbf"));
    }
}

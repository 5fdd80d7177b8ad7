package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.kdstream.core.config.ConfigDocs;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.eval.HoldoutSlice;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerConfigTest {

    private static final Path DOCS = Path.of("..", "docs", "trainer.md");
    private static final String START = "<!-- settings:start (generated from TrainerConfig.DEFINITION) -->\n";
    private static final String END = "<!-- settings:end -->";

    @Test
    void shouldDefaultToTheDocumentedValues() {
        TrainerConfig config = new TrainerConfig(Map.of());

        assertThat(config.modelName()).isEqualTo("student");
        assertThat(config.architecture()).isEqualTo(Architecture.FASHION_STUDENT);
        assertThat(config.mode()).isEqualTo(Mode.TEACHER);
        assertThat(config.temperature()).isEqualTo(2f);
        assertThat(config.alpha()).isEqualTo(0.5f);
        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.optimizer().learningRate()).isEqualTo(1e-3f);
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.checkpointIntervalSteps()).isZero();
        assertThat(config.checkpointKeep()).isEqualTo(3);
        assertThat(config.holdoutPermille()).isEqualTo(50);
        assertThat(config.metricsPort()).isEqualTo(9402);
        assertThat(config.device()).isEqualTo("auto");
        assertThat(config.groupId()).isEqualTo("kd-trainer-student");
        assertThat(config.transactionalId()).isEqualTo("kd-trainer-student");
        assertThat(config.newExamplesPerBatch()).isEqualTo(64);
        assertThat(config.batchesAhead()).isEqualTo(64);
        assertThat(config.gradientClipNorm()).isEqualTo(10f);
        assertThat(config.divergenceAgreementDrop()).isEqualTo(0.1);
        assertThat(config.publishEmaDecay()).isEqualTo(0.99f);
    }

    @Test
    void shouldHoldOutByTheConfiguredKeyOrOneKeptInTheKeyFileAndRefuseAShortKey(@TempDir Path dir) {
        Path file = dir.resolve("holdout.key");
        String key = "sixteen bytes or more";
        HoldoutSlice configured = new TrainerConfig(Map.of("holdout.key", key, "holdout.key.file", file.toString())).holdoutSlice();
        HoldoutSlice expected = new HoldoutSlice(50, key.getBytes(StandardCharsets.UTF_8));
        List<String> ids = IntStream.range(0, 2000).mapToObj(i -> "req-" + i).toList();

        assertThat(ids.stream().filter(configured::isHeldOut).toList()).isEqualTo(ids.stream().filter(expected::isHeldOut).toList());
        assertThat(file).doesNotExist();
        HoldoutSlice kept = new TrainerConfig(Map.of("holdout.key.file", file.toString())).holdoutSlice();
        HoldoutSlice restarted = new TrainerConfig(Map.of("holdout.key.file", file.toString())).holdoutSlice();
        assertThat(file).exists();
        assertThat(ids.stream().filter(restarted::isHeldOut).toList()).isEqualTo(ids.stream().filter(kept::isHeldOut).toList());
        assertThat(new TrainerConfig(Map.of("holdout.permille", "0", "holdout.key.file", dir.resolve("none").toString()))
                .holdoutSlice().isHeldOut("req-1")).isFalse();
        assertThat(dir.resolve("none")).doesNotExist();
        assertThatThrownBy(() -> new TrainerConfig(Map.of("holdout.key", "too short")))
                .hasMessageContaining("holdout.key has 9 bytes but needs at least 16");
    }

    @Test
    void shouldDefaultTheStudentToTheTasksAndRefuseOneThatDoesNotFitNamingBothKeys(@TempDir Path dir) throws IOException {
        assertThat(new TrainerConfig(Map.of("task", "tabular-rbf")).architecture()).isEqualTo(Architecture.parse("mlp:16-96-5:norm"));
        assertThat(new TrainerConfig(Map.of("task", "tabular-rbf")).task()).isEqualTo(BuiltInTasks.TABULAR_RBF);
        Path colour = Files.writeString(dir.resolve("colour.json"), """
                {"name": "colour", "input": {"dtype": "uint8", "shape": [3, 32, 32]}, "classes": ["a", "b", "c", "d"]}""");
        TrainerConfig cnn = new TrainerConfig(Map.of("task", colour.toString(), "student.architecture", "cnn:3x32x32-8-16-64-4"));
        assertThat(cnn.architecture().inputSize()).isEqualTo(3072);

        assertThatThrownBy(() -> new TrainerConfig(Map.of("task", "tabular-rbf", "student.architecture", "mlp:784-96-10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("student.architecture does not fit task tabular-rbf: architecture mlp:784-96-10 takes 784 inputs")
                .hasMessageContaining("leave it empty for mlp:16-96-5:norm, or set task to the architecture's task");
    }

    @Test
    void shouldNameEveryMistakeOfABadTaskFileWithTheOtherBadSettings(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"input": {"dtype": "float32", "shape": "16"}, "classes": [], "extra": 1}""");

        assertThatThrownBy(() -> new TrainerConfig(Map.of("task", bad.toString(), "alpha", "2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 problem(s)")
                .hasMessageContaining("alpha")
                .hasMessageContaining("task: '" + bad + "' has")
                .hasMessageContaining("name: missing")
                .hasMessageContaining("input.shape: missing or not an array")
                .hasMessageContaining("extra: unknown key");
    }

    @Test
    void shouldDeriveIdsFromTheModelNameUnlessSet() {
        TrainerConfig config = new TrainerConfig(Map.of("model.name", "tiny", "group.id", "g"));

        assertThat(config.groupId()).isEqualTo("g");
        assertThat(config.transactionalId()).isEqualTo("kd-trainer-tiny");
    }

    @Test
    void shouldReportEveryBadValueAtOnce() {
        assertThatThrownBy(() -> new TrainerConfig(Map.of("mode", "distil", "alpha", "1.5",
                "student.architecture", "mlp:784-x-10", "temprature", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("4 problem(s)")
                .hasMessageContaining("mode")
                .hasMessageContaining("alpha")
                .hasMessageContaining("'x' is not a whole number")
                .hasMessageContaining("temprature: unknown setting");
    }

    @Test
    void shouldRefuseACheckpointIntervalTheTransactionCannotOutlast() {
        assertThatThrownBy(() -> new TrainerConfig(Map.of("checkpoint.interval.ms", "40000")))
                .hasMessageContaining("checkpoint.interval.ms (40000) must be at most half of kafka.transaction.timeout.ms (60000)");

        assertThat(new TrainerConfig(Map.of("checkpoint.interval.ms", "40000", "kafka.transaction.timeout.ms", "90000"))
                .checkpointInterval()).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void shouldRefuseClientSettingsThatWouldBreakExactlyOnce() {
        assertThatThrownBy(() -> new TrainerConfig(Map.of("kafka.isolation.level", "read_uncommitted",
                "kafka.transactional.id", "x", "kafka.enable.auto.commit", "true")))
                .hasMessageContaining("3 problem(s)")
                .hasMessageContaining("kafka.isolation.level is read_uncommitted")
                .hasMessageContaining("kafka.transactional.id is set by the trainer itself: remove it and set transactional.id")
                .hasMessageContaining("kafka.enable.auto.commit is set by the trainer itself");
    }

    @Test
    void shouldRefuseAReplayShareThatLeavesNoNewExample() {
        assertThatThrownBy(() -> new TrainerConfig(Map.of("batch.size", "1", "replay.fraction", "0.6")))
                .hasMessageContaining("replay.fraction (0.6) leaves no new example in a batch of 1");
        assertThatThrownBy(() -> new TrainerConfig(Map.of("replay.fraction", "0.5", "replay.buffer.size", "0")))
                .hasMessageContaining("replay.buffer.size is 0");

        assertThat(new TrainerConfig(Map.of("batch.size", "64", "replay.fraction", "0.25")).newExamplesPerBatch()).isEqualTo(48);
    }

    @Test
    void shouldRefuseMoreBatchesAheadThanTheHeapHolds() {
        assertThatThrownBy(() -> new TrainerConfig(Map.of("batch.size", "65536", "batches.ahead", "4096")))
                .hasMessageContaining("batches.ahead (4096) batches of 65536 examples take")
                .hasMessageContaining("lower batches.ahead or give the JVM more memory (-Xmx)");
    }

    @Test
    void shouldMatchTheSettingsTableOfTheDocs() throws IOException {
        String docs = Files.readString(DOCS, StandardCharsets.UTF_8);
        int start = docs.indexOf(START);
        int end = docs.indexOf(END);
        assertThat(start).as("docs/trainer.md must hold the markers %s and %s", START.trim(), END).isNotNegative();
        assertThat(end).isGreaterThan(start);
        String generated = ConfigDocs.markdownTable(TrainerConfig.DEFINITION);
        if (Boolean.getBoolean("kd.docs.update")) {
            Files.writeString(DOCS, docs.substring(0, start + START.length()) + generated + docs.substring(end), StandardCharsets.UTF_8);
            return;
        }

        assertThat(docs.substring(start + START.length(), end))
                .as("docs/trainer.md's settings table differs from TrainerConfig.DEFINITION; regenerate it with "
                        + "mvn -o -pl student-trainer -am test -Dtest=TrainerConfigTest -Dsurefire.failIfNoSpecifiedTests=false -Dkd.docs.update=true")
                .isEqualTo(generated);
    }
}

package io.kdstream.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.teacher.model.TeacherStore;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherConfigTest {

    @Test
    void shouldDefaultToTheTrainedTeacherAtTFourWithSmallCpuBatches() {
        TeacherConfig config = new TeacherConfig(Map.of());

        assertThat(config.teacherDir()).isEqualTo(TeacherStore.defaultDir());
        assertThat(config.temperature()).isEqualTo(4f);
        assertThat(config.batchMax(false)).isEqualTo(64);
        assertThat(config.batchMax(true)).isEqualTo(256);
        assertThat(config.batchWaitMs()).isEqualTo(5);
        assertThat(config.groupId()).isEqualTo("kd-teacher");
        assertThat(config.device()).isEqualTo("auto");
        assertThat(config.metricsPort()).isEqualTo(9401);
        assertThat(config.outputTopK()).isZero();
        assertThat(config.ensembleMembers()).isEmpty();
        assertThat(config.task()).isEqualTo(BuiltInTasks.FASHION_MNIST);
        assertThat(config.teacherInputShape(config.task())).containsExactly(1, 28, 28);
        assertThat(config.inferenceThreads()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        assertThat(new TeacherConfig(Map.of("inference.threads", "3")).inferenceThreads()).isEqualTo(3);
    }

    @Test
    void shouldReadAnEnsembleWithItsWeights() {
        TeacherConfig config = new TeacherConfig(Map.of("ensemble.members", "/t/a, /t/b.pt", "ensemble.weights", "0.7,0.3",
                "ensemble.average", "logits", "teacher.dir", "/srv/teacher"));

        assertThat(config.ensembleMembers()).containsExactly("/t/a", "/t/b.pt");
        assertThat(config.ensembleWeights()).containsExactly(0.7, 0.3);
        assertThat(config.averageLogits()).isTrue();
        assertThat(config.teacherDir()).isEqualTo(Path.of("/srv/teacher"));
        assertThat(new TeacherConfig(Map.of("ensemble.members", "/t/a,/t/b")).ensembleWeights()).containsExactly(1.0, 1.0);
    }

    @Test
    void shouldReportEveryBadValueAtOnce() {
        assertThatThrownBy(() -> new TeacherConfig(Map.of("temperature", "0", "device", "tpu", "teacher.input.shape", "1,x",
                "ensemble.average", "median")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("4 problem(s)")
                .hasMessageContaining("temperature")
                .hasMessageContaining("device")
                .hasMessageContaining("'x' is not a whole number")
                .hasMessageContaining("ensemble.average");
    }

    @Test
    void shouldTakeATaskByNameOrFileAndNameEveryMistakeOfABadTaskFile(@TempDir Path dir) throws IOException {
        assertThat(new TeacherConfig(Map.of("task", "tabular-rbf")).task()).isEqualTo(BuiltInTasks.TABULAR_RBF);
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"name": "colour", "input": {"dtype": "uint16", "shape": [3, 32]}, "classes": "cat", "colour": true}""");

        assertThatThrownBy(() -> new TeacherConfig(Map.of("task", bad.toString(), "temperature", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("temperature")
                .hasMessageContaining("task: '" + bad + "' has")
                .hasMessageContaining("input.dtype")
                .hasMessageContaining("classes: must be an array of strings")
                .hasMessageContaining("colour: unknown key");
    }

    @Test
    void shouldCheckTheTorchScriptShapeAndTheDeprecatedClassCountAgainstTheTask() {
        TeacherConfig colour = new TeacherConfig(Map.of("task", "tabular-rbf", "teacher.input.shape", "4,4"));
        assertThat(colour.teacherInputShape(colour.task())).containsExactly(4, 4);
        assertThat(new TeacherConfig(Map.of("task", "tabular-rbf", "teacher.classes", "5")).task().classCount()).isEqualTo(5);

        assertThatThrownBy(() -> new TeacherConfig(Map.of("task", "tabular-rbf", "teacher.input.shape", "1,28,28",
                "teacher.classes", "10")))
                .hasMessageContaining("teacher.classes (10) disagrees with the 5 classes of task tabular-rbf: remove teacher.classes")
                .hasMessageContaining("teacher.input.shape [1, 28, 28] holds 784 elements but task tabular-rbf has inputs float32 [16]");
    }

    @Test
    void shouldNameTheKeysAndTheFixOfEachCrossFieldProblem() {
        assertThatThrownBy(() -> new TeacherConfig(Map.of("ensemble.members", "/t/a,/t/b", "ensemble.weights", "1,-2,3",
                "teacher.torchscript.path", "/t/c.pt", "inflight.max.records", "100", "output.top.k", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ensemble.members and teacher.torchscript.path are both set: set only one of them")
                .hasMessageContaining("ensemble.weights has 3 values but ensemble.members has 2 members: give one weight per member")
                .hasMessageContaining("ensemble.weights value '-2' is not a positive number")
                .hasMessageContaining("inflight.max.records (100) is below the largest batch (256): raise inflight.max.records")
                .hasMessageContaining("output.top.k (10) must be below the 10 classes of task fashion-mnist");
        assertThatThrownBy(() -> new TeacherConfig(Map.of("ensemble.members", "/t/a")))
                .hasMessageContaining("an ensemble needs at least two");
    }
}

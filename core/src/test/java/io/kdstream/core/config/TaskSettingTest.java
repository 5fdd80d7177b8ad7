package io.kdstream.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.kdstream.core.task.BuiltInTasks;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskSettingTest {

    static final class TaskConfig extends ServiceConfig {
        static final ConfigDef DEFINITION = TaskSetting.define(commonDefinitions(9999));

        TaskConfig(Map<String, ?> originals) {
            super(DEFINITION, originals);
        }
    }

    @Test
    void shouldDefaultToFashionMnist() {
        assertThat(TaskSetting.of(new TaskConfig(Map.of()))).isEqualTo(BuiltInTasks.FASHION_MNIST);
    }

    @Test
    void shouldResolveABuiltInByNameAndATaskFileByPath(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("fraud.json"), """
                {"name": "card-fraud", "input": {"dtype": "float32", "shape": [2], "features": ["amount", "hour"]},
                 "classes": ["legit", "fraud"]}""");

        assertThat(TaskSetting.of(new TaskConfig(Map.of("task", "tabular-rbf")))).isEqualTo(BuiltInTasks.TABULAR_RBF);
        assertThat(TaskSetting.of(new TaskConfig(Map.of("task", file.toString()))).featureNames()).containsExactly("amount", "hour");
    }

    @Test
    void shouldNameEveryMistakeOfABadTaskFileWithTheOtherBadSettings(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), """
                {"name": "Bad Name", "input": {"dtype": "int64", "shape": [0]}, "classes": ["only"], "colour": 1}""");

        assertThatThrownBy(() -> new TaskConfig(Map.of("task", file.toString(), "metrics.port", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("metrics.port")
                .hasMessageContaining("task: '" + file + "' has")
                .hasMessageContaining("colour: unknown key")
                .hasMessageContaining("input.dtype")
                .hasMessageContaining("classes");
    }

    @Test
    void shouldSayANameIsNeitherABuiltInNorAFile() {
        assertThatThrownBy(() -> new TaskConfig(Map.of("task", "no-such-task")))
                .hasMessageContaining("task: 'no-such-task' is neither a built-in task [fashion-mnist, tabular-rbf]");
    }

    static final class FollowingConfig extends ServiceConfig {
        static final ConfigDef DEFINITION = TaskSetting.defineFollowing(commonDefinitions(9999), "follows the first model read.");

        FollowingConfig(Map<String, ?> originals) {
            super(DEFINITION, originals);
        }
    }

    @Test
    void shouldLeaveTheTaskOfAServiceThatFollowsItsModelsEmptyUnlessPinned() {
        assertThat(TaskSetting.pinned(new FollowingConfig(Map.of()))).isEmpty();
        assertThat(TaskSetting.pinned(new FollowingConfig(Map.of("task", " ")))).isEmpty();
        assertThat(TaskSetting.pinned(new FollowingConfig(Map.of("task", "tabular-rbf")))).contains(BuiltInTasks.TABULAR_RBF);
        assertThat(TaskSetting.pinned(new TaskConfig(Map.of()))).contains(BuiltInTasks.FASHION_MNIST);
        assertThatThrownBy(() -> new FollowingConfig(Map.of("task", "no-such-task")))
                .hasMessageContaining("task: 'no-such-task' is neither a built-in task [fashion-mnist, tabular-rbf]");
        assertThat(ConfigDocs.markdownTable(FollowingConfig.DEFINITION))
                .contains("| `task` | string | `` |")
                .contains("Empty (the default) follows the first model read.");
    }

    @Test
    void shouldDocumentTheSettingOnce() {
        assertThat(ConfigDocs.markdownTable(TaskConfig.DEFINITION)).contains("| `task` | string | `fashion-mnist` |");
    }
}

package io.kdstream.core.config;

import java.util.List;
import java.util.Optional;

import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.InvalidTaskException;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@value #KEY} setting of every service that reads or makes model inputs, defined once so its key, parsing, doc
 * and error messages read the same everywhere. The teacher, trainer and monitor need a task from the start
 * ({@link #define}, default {@code fashion-mnist}); the gateway can learn it from the first checkpoint it serves, so
 * its setting may be left empty ({@link #defineFollowing}). Validation resolves the task, so a bad task file is
 * reported with the service's other mistakes, every problem of the file named with its key.
 */
public final class TaskSetting {

    public static final String KEY = "task";

    private static final String WHAT = "What the models take and give: a built-in task " + BuiltInTasks.names()
            + " or the path of a JSON task file (name, input dtype/shape/range/features, classes).";

    private TaskSetting() {
    }

    /** Adds {@value #KEY} to {@code definition}; the default is {@code fashion-mnist}. */
    public static ConfigDef define(ConfigDef definition) {
        return definition.define(KEY, Type.STRING, BuiltInTasks.FASHION_MNIST.name(), new Resolvable(false), Importance.HIGH,
                WHAT + " Inputs and labels of another shape or class count are dead-lettered as contract-mismatch.");
    }

    /**
     * Adds {@value #KEY} for a service that can follow the task of the models it reads: empty (the default) leaves the
     * task to them, a task pins it.
     *
     * @param emptyMeans the end of the sentence "Empty (the default) ..." in the setting's doc
     */
    public static ConfigDef defineFollowing(ConfigDef definition, String emptyMeans) {
        return definition.define(KEY, Type.STRING, "", new Resolvable(true), Importance.HIGH,
                WHAT + " Empty (the default) " + emptyMeans);
    }

    /** The task a validated config names. */
    public static TaskContract of(AbstractConfig config) {
        return TaskFiles.resolve(config.getString(KEY));
    }

    /** The task a validated config names, or empty where a {@link #defineFollowing following} setting is left empty. */
    public static Optional<TaskContract> pinned(AbstractConfig config) {
        String value = config.getString(KEY);
        return value.isBlank() ? Optional.empty() : Optional.of(TaskFiles.resolve(value));
    }

    /** Accepts what {@link TaskFiles#resolve} accepts, and blank where the task may be followed; lists every problem of a task file. */
    private static final class Resolvable implements ConfigDef.Validator {

        private final boolean blankFollows;

        Resolvable(boolean blankFollows) {
            this.blankFollows = blankFollows;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || String.valueOf(value).isBlank()) {
                if (blankFollows) {
                    return;
                }
                throw new ConfigException("a built-in task " + BuiltInTasks.names() + " or a task file path is required");
            }
            try {
                TaskFiles.resolve(String.valueOf(value));
            } catch (InvalidTaskException e) {
                List<String> problems = e.problems();
                throw new ConfigException(problems.size() == 1 ? problems.get(0) : "'" + value + "' has " + problems.size()
                        + " problems:\n      - " + String.join("\n      - ", problems));
            }
        }

        @Override
        public String toString() {
            return (blankFollows ? "empty, " : "") + "a built-in task " + BuiltInTasks.names() + " or a task file path";
        }
    }
}

package io.kdstream.core.config;

import java.util.List;

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
 * The {@value #KEY} setting of every service that reads or makes model inputs (teacher, trainer, monitor), defined
 * once so its key, default and doc read the same everywhere. Validation resolves the task, so a bad task file is
 * reported with the service's other mistakes, every problem of the file named with its key.
 */
public final class TaskSetting {

    public static final String KEY = "task";

    private TaskSetting() {
    }

    /** Adds {@value #KEY} to {@code definition}; the default is {@code fashion-mnist}. */
    public static ConfigDef define(ConfigDef definition) {
        return definition.define(KEY, Type.STRING, BuiltInTasks.FASHION_MNIST.name(), new Resolvable(), Importance.HIGH,
                "What the models take and give: a built-in task " + BuiltInTasks.names() + " or the path of a JSON task "
                        + "file (name, input dtype/shape/range/features, classes). Inputs and labels of another shape or "
                        + "class count are dead-lettered as contract-mismatch.");
    }

    /** The task a validated config names. */
    public static TaskContract of(AbstractConfig config) {
        return TaskFiles.resolve(config.getString(KEY));
    }

    /** Accepts what {@link TaskFiles#resolve} accepts; its message lists every problem of a task file. */
    private static final class Resolvable implements ConfigDef.Validator {

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || String.valueOf(value).isBlank()) {
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
            return "a built-in task " + BuiltInTasks.names() + " or a task file path";
        }
    }
}

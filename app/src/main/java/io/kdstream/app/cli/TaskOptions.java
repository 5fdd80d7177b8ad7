package io.kdstream.app.cli;

import io.kdstream.app.data.TaskData;
import picocli.CommandLine.Option;

/** How commands that handle examples name their task, and the label column of its CSV files. */
public final class TaskOptions {

    @Option(names = "--task", defaultValue = "fashion-mnist", paramLabel = "NAME|FILE",
            description = "A built-in task (fashion-mnist, tabular-rbf) or a JSON task file (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "The CSV column holding each row's class (a class name or index); JSON Lines use their \"label\" key.")
    String labelColumn;

    /** The named task with its data sources. */
    public TaskData data() {
        return TaskData.of(task, labelColumn);
    }

    /** The task as given: a built-in name or a file path, as the services' task setting takes it. */
    public String nameOrPath() {
        return task;
    }
}

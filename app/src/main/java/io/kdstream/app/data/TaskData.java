package io.kdstream.app.data;

import java.nio.file.Path;

import io.kdstream.app.replay.ReplaySource;
import io.kdstream.core.data.BadRowPolicy;
import io.kdstream.core.data.ExampleFiles;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledData;
import io.kdstream.core.data.RandomRbf;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;

/**
 * A task and where its examples come from. Built-in tasks bring their own data: Fashion-MNIST its IDX files,
 * {@code tabular-rbf} the {@link RandomRbf} generator (training on a fresh sample, testing on its held-out sample, replay
 * an endless stream). Any task can instead read CSV or JSON Lines files, which a task from a file must.
 *
 * @param task        the contract
 * @param labelColumn the CSV label column, or null
 */
public record TaskData(TaskContract task, String labelColumn) {

    /** Generated training examples of {@code tabular-rbf} for its reference teacher. */
    public static final int GENERATED_TRAINING_SIZE = 50_000;
    /** Seed of the teacher's generated training sample (the held-out sample has a seed of its own). */
    public static final long GENERATED_TRAINING_SEED = 1L;

    /** @param nameOrPath a built-in task's name or a JSON task file, as {@link TaskFiles#resolve} reads it */
    public static TaskData of(String nameOrPath, String labelColumn) {
        return new TaskData(TaskFiles.resolve(nameOrPath), labelColumn);
    }

    public boolean isFashionMnist() {
        return BuiltInTasks.FASHION_MNIST.mismatchWith(task) == null;
    }

    public boolean isTabularRbf() {
        return BuiltInTasks.TABULAR_RBF.mismatchWith(task) == null;
    }

    /**
     * The examples a reference teacher trains on: {@code file} when given, else the task's built-in data.
     *
     * @throws IllegalArgumentException when the task has no built-in data and no file is given
     */
    public LabeledData training(Path file) {
        if (file != null) {
            return ExampleFiles.readLabelled(file, task, labelColumn);
        }
        if (isFashionMnist()) {
            return FashionMnist.load(FashionMnist.Split.TRAIN);
        }
        if (isTabularRbf()) {
            return RandomRbf.tabular().sample(GENERATED_TRAINING_SIZE, GENERATED_TRAINING_SEED);
        }
        throw noBuiltInData("--data FILE (training examples)");
    }

    /** The examples models are scored on: {@code file} when given, else the task's built-in test data. */
    public LabeledData test(Path file) {
        if (file != null) {
            return ExampleFiles.readLabelled(file, task, labelColumn);
        }
        if (isFashionMnist()) {
            return FashionMnist.load(FashionMnist.Split.TEST);
        }
        if (isTabularRbf()) {
            return RandomRbf.tabular().heldOut();
        }
        throw noBuiltInData("--test FILE (labelled test examples)");
    }

    /**
     * Replayed traffic: {@code file} streamed once when given, else the task's built-in data (Fashion-MNIST's training
     * images round and round, or an endless generated stream following {@code seed}).
     */
    public ReplaySource replay(Path file, BadRowPolicy badRows, long seed) {
        if (file != null) {
            return ReplaySource.file(ExampleFiles.open(file, task, labelColumn, badRows), task);
        }
        if (isFashionMnist()) {
            return ReplaySource.cycling(FashionMnist.load(FashionMnist.Split.TRAIN));
        }
        if (isTabularRbf()) {
            return ReplaySource.generated(RandomRbf.tabular(), seed);
        }
        throw noBuiltInData("--file FILE (a .csv or .jsonl file of its inputs)");
    }

    private IllegalArgumentException noBuiltInData(String option) {
        return new IllegalArgumentException("task " + task.name() + " has no built-in data (only the built-in tasks "
                + BuiltInTasks.names() + " have); give " + option);
    }
}

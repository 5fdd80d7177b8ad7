package io.kdstream.app.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.kdstream.app.data.ShippedTeachers;
import io.kdstream.app.data.TaskData;
import io.kdstream.core.data.LabeledData;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.model.Architecture;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.teacher.TeacherService;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.training.TeacherTraining;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kd teacher train} and {@code kd teacher serve}. */
@Command(name = "teacher", mixinStandardHelpOptions = true, description = "Train the reference teacher, or run the teacher service.",
        subcommands = {TeacherCommand.Train.class, TeacherCommand.Serve.class})
public final class TeacherCommand {

    /** {@code kd teacher train}: the reference teacher of any task, into the teacher folder. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the reference teacher of a task and store it; quick when one is stored already. Built-in tasks "
                    + "train on their own data (Fashion-MNIST's 60,000 images, 50,000 generated tabular-rbf examples); any task "
                    + "can train on a labelled CSV or JSON Lines file.")
    public static final class Train implements Callable<Integer> {

        @Mixin
        TaskOptions taskOptions;

        @Option(names = "--data", paramLabel = "FILE", description = "Labelled training examples (.csv or .jsonl) instead of the task's built-in data.")
        Path dataFile;

        @Option(names = "--test", paramLabel = "FILE", description = "Labelled test examples (.csv or .jsonl) the teacher is scored on.")
        Path testFile;

        @Option(names = "--dir", description = "Teacher folder (default $KD_HOME/teacher for fashion-mnist, $KD_HOME/teachers/<task> "
                + "for others; KD_HOME defaults to ~/.kd).")
        Path dir;

        @Option(names = "--architecture", description = "Teacher architecture spec (default: the task's reference teacher, "
                + "cnn:28x28-32-64-256-10:dropout=0.3 for fashion-mnist, mlp:<inputs>-256-128-<classes>:dropout=0.1:norm for float "
                + "vectors, which standardises the raw features itself).")
        String architecture;

        @Option(names = "--epochs", description = "Passes over the training set (default ${DEFAULT-VALUE}).")
        int epochs = TeacherTraining.Settings.DEFAULT.epochs();

        @Option(names = "--force", description = "Train again even when a teacher is stored.")
        boolean force;

        @Override
        public Integer call() {
            TaskData data = taskOptions.data();
            TeacherStore store = new TeacherStore(dir == null ? ShippedTeachers.defaultDir(data.task()) : dir);
            if (store.exists() && !force) {
                TeacherManifest manifest = store.manifest();
                System.out.printf(Locale.ROOT, "A teacher is stored in %s already: %s %s, test accuracy %.4f (--force trains again)%n",
                        store.dir(), manifest.id(), manifest.version(), manifest.testAccuracy());
                return 0;
            }
            TeacherTraining.Settings defaults = TeacherTraining.Settings.DEFAULT;
            Architecture chosen = architecture == null ? Architecture.teacherFor(data.task()) : Architecture.parse(architecture);
            train(store, data, dataFile, testFile, new TeacherTraining.Settings(chosen, epochs, defaults.batchSize(),
                    defaults.learningRate(), defaults.seed(), defaults.device()));
            return 0;
        }
    }

    /** {@code kd teacher serve}: the teacher service alone, against any Kafka cluster. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Label kd-traffic with the teacher's softened probabilities onto kd-soft-labels; /metrics on metrics.port.")
    public static final class Serve implements Callable<Integer> {

        @Mixin
        SettingsOptions settings;

        @Override
        public Integer call() throws InterruptedException {
            TeacherConfig config = new TeacherConfig(settings.settings(TeacherConfig.DEFINITION));
            PrometheusMeterRegistry registry = CommonMetrics.serviceRegistry();
            TeacherService teacher = new TeacherService(config, registry);
            MetricsServer metrics = new MetricsServer(config.metricsPort(), registry, teacher::health);
            ServiceRunner.startOrClose(teacher::start, metrics);
            return ServiceRunner.runUntilStopped("teacher", teacher::health, () -> {
                teacher.close();
                metrics.close();
            });
        }
    }

    /**
     * Trains a teacher of {@code data}'s task with a progress bar and stores it; used by {@code kd teacher train} and by
     * {@code kd demo}.
     *
     * @param dataFile labelled training examples, or null for the task's built-in data
     * @param testFile labelled test examples, or null for the task's built-in test data
     */
    static TeacherManifest train(TeacherStore store, TaskData data, Path dataFile, Path testFile, TeacherTraining.Settings settings) {
        LabeledData train = data.training(dataFile);
        LabeledData test = data.test(testFile);
        settings.architecture().requireFits(data.task());
        System.out.printf(Locale.ROOT, "Training the %s teacher (%,d parameters) of task %s on %,d examples for %d epoch(s) into %s ...%n",
                settings.architecture(), settings.architecture().parameterCount(), data.task().name(), train.count(),
                settings.epochs(), store.dir());
        ProgressBar bar = new ProgressBar(System.out, "teacher");
        TeacherManifest manifest = new TeacherTraining(settings).trainAndSave(train, test, store, (epoch, done, total, loss) ->
                bar.update(done, total, String.format(Locale.ROOT, "epoch %d, loss %.3f", epoch, loss)));
        bar.finish(String.format(Locale.ROOT, "test accuracy %.4f in %.0f s; stored as %s %s", manifest.testAccuracy(),
                manifest.trainingSeconds(), manifest.id(), manifest.version()));
        return manifest;
    }
}

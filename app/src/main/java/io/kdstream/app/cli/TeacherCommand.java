package io.kdstream.app.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

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

    /** {@code kd teacher train}: the reference teacher on Fashion-MNIST, into the teacher folder. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the reference teacher on Fashion-MNIST (60,000 images) and store it; quick when one is stored already.")
    public static final class Train implements Callable<Integer> {

        @Option(names = "--dir", description = "Teacher folder (default $KD_HOME/teacher, KD_HOME defaulting to ~/.kd).")
        Path dir;

        @Option(names = "--architecture", description = "Teacher architecture spec (default ${DEFAULT-VALUE}).",
                defaultValue = "cnn:28x28-32-64-256-10:dropout=0.3")
        String architecture;

        @Option(names = "--epochs", description = "Passes over the training set (default ${DEFAULT-VALUE}).")
        int epochs = TeacherTraining.Settings.DEFAULT.epochs();

        @Option(names = "--force", description = "Train again even when a teacher is stored.")
        boolean force;

        @Override
        public Integer call() {
            TeacherStore store = new TeacherStore(dir == null ? TeacherStore.defaultDir() : dir);
            if (store.exists() && !force) {
                TeacherManifest manifest = store.manifest();
                System.out.printf(Locale.ROOT, "A teacher is stored in %s already: %s %s, test accuracy %.4f (--force trains again)%n",
                        store.dir(), manifest.id(), manifest.version(), manifest.testAccuracy());
                return 0;
            }
            TeacherTraining.Settings defaults = TeacherTraining.Settings.DEFAULT;
            train(store, new TeacherTraining.Settings(Architecture.parse(architecture), epochs, defaults.batchSize(),
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
            TeacherConfig config = new TeacherConfig(settings.settings(Map.of()));
            PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
            TeacherService teacher = new TeacherService(config, registry);
            MetricsServer metrics = new MetricsServer(config.metricsPort(), registry, teacher::health);
            ServiceRunner.startOrClose(teacher::start, metrics);
            return ServiceRunner.runUntilStopped("teacher", teacher::health, () -> {
                teacher.close();
                metrics.close();
            });
        }
    }

    /** Trains a teacher with a progress bar and stores it; used by {@code kd teacher train} and by {@code kd demo}. */
    static TeacherManifest train(TeacherStore store, TeacherTraining.Settings settings) {
        System.out.printf("Training the %s teacher (%,d parameters) on Fashion-MNIST for %d epoch(s) into %s ...%n",
                settings.architecture(), settings.architecture().parameterCount(), settings.epochs(), store.dir());
        ProgressBar bar = new ProgressBar(System.out, "teacher");
        TeacherManifest manifest = new TeacherTraining(settings).trainAndSave(store, (epoch, done, total, loss) ->
                bar.update(done, total, String.format(Locale.ROOT, "epoch %d, loss %.3f", epoch, loss)));
        bar.finish(String.format(Locale.ROOT, "test accuracy %.4f in %.0f s; stored as %s %s", manifest.testAccuracy(),
                manifest.trainingSeconds(), manifest.id(), manifest.version()));
        return manifest;
    }
}

package io.kdstream.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kdstream.app.bench.FreshnessBenchmark;
import io.kdstream.app.bench.GatewayBenchmark;
import io.kdstream.app.bench.QualityBenchmark;
import io.kdstream.app.bench.TeacherBenchmark;
import io.kdstream.app.bench.TrainerBenchmark;
import io.kdstream.core.model.Classifier;
import io.kdstream.teacher.model.TeacherStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kd bench ...}: each benchmark measures a path against its own limit in the same run and reports a ratio,
 * so the figures mean something on a shared, noisy machine. Results print as a table and go to {@code --json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that measure a ratio against the limit in the same run.",
        subcommands = {BenchCommand.Teacher.class, BenchCommand.Trainer.class, BenchCommand.Quality.class, BenchCommand.Gateway.class, BenchCommand.Freshness.class})
public final class BenchCommand {

    /** The trained teacher in {@code dir} (or the default folder). */
    static TeacherStore storedTeacher(Path dir) {
        TeacherStore store = new TeacherStore(dir == null ? TeacherStore.defaultDir() : dir);
        if (!store.exists()) {
            throw new IllegalStateException("no teacher in " + store.dir() + ": run ./kd teacher train first");
        }
        return store;
    }

    /** Options every benchmark shares. */
    static class Output {
        @Option(names = "--json", paramLabel = "FILE", description = "Write the figures to FILE as JSON.")
        Path json;

        int report(String title, Map<String, Object> figures) throws IOException {
            System.out.println();
            System.out.println(title);
            System.out.println("-".repeat(48));
            figures.forEach((name, value) -> System.out.printf(Locale.ROOT, "%-32s %s%n", name,
                    value instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : value));
            if (json != null) {
                Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures));
                System.out.println("Written to " + json);
            }
            return 0;
        }
    }

    @Command(name = "teacher", mixinStandardHelpOptions = true,
            description = "Raw teacher inference on in-memory batches (the limit) against labelling through an embedded broker, with latencies.")
    static final class Teacher extends Output implements Callable<Integer> {
        @Option(names = "--examples", defaultValue = "5000", description = "Traffic events of the pipeline phase (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(names = "--batch-size", defaultValue = "64", description = "The teacher's batch (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher).")
        Path teacherDir;

        @Override
        public Integer call() throws IOException {
            TeacherBenchmark.Settings defaults = TeacherBenchmark.Settings.defaults();
            return report("kd bench teacher", TeacherBenchmark.run(new TeacherBenchmark.Settings(examples, batchSize, teacherDir,
                    defaults.architecture(), defaults.partitions(), defaults.device())));
        }
    }

    @Command(name = "trainer", mixinStandardHelpOptions = true,
            description = "A bare DJL training loop on in-memory tensors (the limit) against the trainer fed from kd-soft-labels on an embedded broker.")
    static final class Trainer extends Output implements Callable<Integer> {
        @Option(names = "--examples", defaultValue = "60000", description = "Soft labels to train on (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(names = "--batch-size", defaultValue = "64", description = "Examples per step (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Override
        public Integer call() throws IOException {
            TrainerBenchmark.Settings defaults = TrainerBenchmark.Settings.DEFAULT;
            return report("kd bench trainer", TrainerBenchmark.run(new TrainerBenchmark.Settings(examples, batchSize,
                    defaults.student(), defaults.partitions(), defaults.device())));
        }
    }

    @Command(name = "quality", mixinStandardHelpOptions = true,
            description = "One pass over the 60,000 training images three ways: hard labels, online distillation, offline distillation.")
    static final class Quality extends Output implements Callable<Integer> {
        @Option(names = "--plot", defaultValue = "quality.png", description = "PNG of test accuracy against examples seen (default ${DEFAULT-VALUE}).")
        Path plot;

        @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher).")
        Path teacherDir;

        @Override
        public Integer call() throws IOException {
            TeacherStore store = storedTeacher(teacherDir);
            try (Classifier teacher = store.load().classifier(Device.cpu())) {
                return report("kd bench quality", QualityBenchmark.run(QualityBenchmark.Settings.DEFAULT, teacher, plot));
            }
        }
    }

    @Command(name = "gateway", mixinStandardHelpOptions = true,
            description = "Closed-loop HTTP load without swaps, then with a checkpoint swapped in every second, then 1,000 fast swaps.")
    static final class Gateway extends Output implements Callable<Integer> {
        @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--phase", defaultValue = "20s", description = "Length of each timed phase (default ${DEFAULT-VALUE}).")
        String phase;

        @Option(names = "--fast-swaps", defaultValue = "1000", description = "Swaps of the memory phase (default ${DEFAULT-VALUE}).")
        int fastSwaps;

        @Override
        public Integer call() throws IOException {
            return report("kd bench gateway", new GatewayBenchmark(clients, Durations.parse(phase), fastSwaps, System.out).run());
        }
    }

    @Command(name = "freshness", mixinStandardHelpOptions = true,
            description = "Time from a traffic event to the serving of a checkpoint trained on it, on the embedded default.")
    static final class Freshness extends Output implements Callable<Integer> {
        @Option(names = "--duration", defaultValue = "90s", description = "Traffic duration (default ${DEFAULT-VALUE}).")
        String duration;

        @Option(names = "--warm-up", defaultValue = "20s", description = "Traffic before measuring starts (default ${DEFAULT-VALUE}).")
        String warmUp;

        @Option(names = "--rate", defaultValue = "200", description = "Events per second (default ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--checkpoint-interval", defaultValue = "2s", description = "The trainer's checkpoint interval (default ${DEFAULT-VALUE}).")
        String checkpointInterval;

        @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher).")
        Path teacherDir;

        @Override
        public Integer call() throws IOException, InterruptedException {
            TeacherStore store = storedTeacher(teacherDir);
            PyTorchThreads.oneUnlessSet();
            Duration interval = Durations.parse(checkpointInterval);
            return report("kd bench freshness", FreshnessBenchmark.run(new FreshnessBenchmark.Settings(store.dir(),
                    Durations.parse(duration), Durations.parse(warmUp), rate, interval)));
        }
    }
}

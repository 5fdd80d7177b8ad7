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
import io.kdstream.app.bench.GatesBenchmark;
import io.kdstream.app.bench.GatewayBenchmark;
import io.kdstream.app.bench.PeakBenchmark;
import io.kdstream.app.bench.QualityBenchmark;
import io.kdstream.app.bench.RefreshBenchmark;
import io.kdstream.app.bench.TeacherBenchmark;
import io.kdstream.app.bench.TrainerBenchmark;
import io.kdstream.app.data.ShippedTeachers;
import io.kdstream.core.model.Architecture;
import io.kdstream.app.replay.Drift;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.teacher.model.TeacherStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kd bench ...}: each benchmark measures a path against its own limit in the same run and reports a ratio,
 * so the figures mean something on a shared, noisy machine. Results print as a table and go to {@code --json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that measure a ratio against the limit in the same run.",
        subcommands = {BenchCommand.Teacher.class, BenchCommand.Trainer.class, BenchCommand.Quality.class, BenchCommand.Gateway.class, BenchCommand.Freshness.class,
                BenchCommand.Gates.class, BenchCommand.Peak.class, BenchCommand.Refresh.class})
public final class BenchCommand {

    /** The trained teacher in {@code dir}, or in the default folder, where the Fashion-MNIST teacher kd ships is installed when none is. */
    static TeacherStore storedTeacher(Path dir) {
        TeacherStore store = new TeacherStore(dir == null ? TeacherStore.defaultDir() : dir);
        if (dir == null && !store.exists()) {
            ShippedTeachers.install(BuiltInTasks.FASHION_MNIST, store);
        }
        if (!store.exists()) {
            throw new IllegalStateException("no teacher in " + store.dir() + ": run ./kd teacher train first");
        }
        return store;
    }

    /** What every benchmark shares: the run, the printed table and the JSON file. */
    abstract static class Benchmark implements Callable<Integer> {
        @Option(names = "--json", paramLabel = "FILE", description = "Write the figures to FILE as JSON.")
        Path json;

        /** Measures and returns the figures in the order they are printed. */
        abstract Map<String, Object> measure() throws IOException, InterruptedException;

        @Override
        public Integer call() throws IOException, InterruptedException {
            // Raw loop and pipeline run in one JVM beside a broker: one PyTorch thread each keeps 2 cores from thrashing.
            PyTorchThreads.oneUnlessSet();
            return report(getClass().getAnnotation(Command.class).name(), measure());
        }

        private int report(String benchmark, Map<String, Object> figures) throws IOException {
            System.out.println();
            System.out.println("kd bench " + benchmark);
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
    static final class Teacher extends Benchmark {
        @Option(names = "--examples", defaultValue = "0", description = "Events labelled by each of raw and pipeline, over all rounds; 0 sizes each round to about 4 s of raw teacher work (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(names = "--batch-size", defaultValue = "64", description = "The teacher's batch (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--rounds", description = "Alternating raw and pipeline rounds; the ratio is their median (default ${DEFAULT-VALUE}).")
        int rounds = TeacherBenchmark.Settings.defaults().rounds();

        @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher).")
        Path teacherDir;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A teacher-service setting for the pipeline phase; repeatable.")
        Map<String, String> settings = new java.util.LinkedHashMap<>();

        @Option(names = "--device", defaultValue = "auto", description = "auto (the first GPU PyTorch sees, else the CPU), cpu or gpu (default ${DEFAULT-VALUE}); docs/gpu.md says how to give PyTorch a GPU.")
        String device;

        @Override
        Map<String, Object> measure() throws IOException, InterruptedException {
            TeacherBenchmark.Settings defaults = TeacherBenchmark.Settings.defaults();
            return TeacherBenchmark.run(new TeacherBenchmark.Settings(examples, batchSize, teacherDir,
                    defaults.architecture(), defaults.partitions(), rounds, device, settings));
        }
    }

    @Command(name = "trainer", mixinStandardHelpOptions = true,
            description = "A bare DJL training loop on in-memory tensors (the limit) against the trainer fed from kd-soft-labels on an embedded broker.")
    static final class Trainer extends Benchmark {
        @Option(names = "--examples", defaultValue = "60000", description = "Images to train on, at most 60,000 (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(names = "--batch-size", defaultValue = "64", description = "Examples per step (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--passes", description = "Passes over the images in each round, by both loops (default ${DEFAULT-VALUE}).")
        int passes = TrainerBenchmark.Settings.DEFAULT.passes();

        @Option(names = "--rounds", description = "Measured rounds of raw loop and trainer, after a warm-up round (default ${DEFAULT-VALUE}).")
        int rounds = TrainerBenchmark.Settings.DEFAULT.rounds();

        @Option(names = "--student", description = "Student architecture (default ${DEFAULT-VALUE}).")
        String student = TrainerBenchmark.Settings.DEFAULT.student();

        @Option(names = "--device", defaultValue = "auto", description = "auto (the first GPU PyTorch sees, else the CPU), cpu or gpu (default ${DEFAULT-VALUE}); docs/gpu.md says how to give PyTorch a GPU.")
        String device;

        @Override
        Map<String, Object> measure() throws IOException, InterruptedException {
            TrainerBenchmark.Settings defaults = TrainerBenchmark.Settings.DEFAULT;
            return TrainerBenchmark.run(new TrainerBenchmark.Settings(examples, passes, batchSize,
                    student, defaults.partitions(), rounds, device));
        }
    }

    @Command(name = "quality", mixinStandardHelpOptions = true,
            description = "One pass over the 60,000 training images three ways: hard labels, online distillation, offline distillation.")
    static final class Quality extends Benchmark {
        @Option(names = "--plot", defaultValue = "quality.png", description = "PNG of test accuracy against examples seen (default ${DEFAULT-VALUE}).")
        Path plot;

        @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher).")
        Path teacherDir;

        @Option(names = "--student", description = "Student architecture of all three ways (default ${DEFAULT-VALUE}).")
        String student = QualityBenchmark.Settings.DEFAULT.student();

        @Option(names = "--temperature", description = "The trainer's distillation temperature (default ${DEFAULT-VALUE}).")
        float temperature = QualityBenchmark.Settings.DEFAULT.temperature();

        @Option(names = "--alpha", description = "Weight of the soft targets; true labels take 1 - alpha (default ${DEFAULT-VALUE}).")
        float alpha = QualityBenchmark.Settings.DEFAULT.alpha();

        @Option(names = "--learning-rate", description = "Adam's learning rate (default ${DEFAULT-VALUE}).")
        float learningRate = QualityBenchmark.Settings.DEFAULT.learningRate();

        @Option(names = "--batch-size", description = "Examples per step, new and replayed (default ${DEFAULT-VALUE}).")
        int batchSize = QualityBenchmark.Settings.DEFAULT.batchSize();

        @Option(names = "--replay-fraction", description = "Share of each streamed batch replayed, in (a) and (b) (default ${DEFAULT-VALUE}).")
        double replayFraction = QualityBenchmark.Settings.DEFAULT.replayFraction();

        @Option(names = "--replay-buffer", description = "Examples the replay buffer keeps (default ${DEFAULT-VALUE}).")
        int replayBuffer = QualityBenchmark.Settings.DEFAULT.replayBuffer();

        @Option(names = "--offline-epochs", description = "Passes of the offline distillation (c) (default ${DEFAULT-VALUE}).")
        int offlineEpochs = QualityBenchmark.Settings.DEFAULT.offlineEpochs();

        @Option(names = "--runs", defaultValue = "3", description = "Runs of each way; the figures are their median and minimum (default ${DEFAULT-VALUE}).")
        int runs;

        @Override
        Map<String, Object> measure() throws IOException, InterruptedException {
            TeacherStore store = storedTeacher(teacherDir);
            QualityBenchmark.Settings defaults = QualityBenchmark.Settings.DEFAULT;
            QualityBenchmark.Settings settings = new QualityBenchmark.Settings(student, temperature, alpha, learningRate,
                    batchSize, replayFraction, replayBuffer, offlineEpochs, defaults.evalEvery(), defaults.device());
            try (Classifier teacher = store.load().classifier(Device.cpu())) {
                return QualityBenchmark.run(settings, teacher, plot, runs);
            }
        }
    }

    @Command(name = "gateway", mixinStandardHelpOptions = true,
            description = "Closed-loop HTTP load without swaps, then with a checkpoint swapped in every second, then 1,000 fast swaps.")
    static final class Gateway extends Benchmark {
        @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--phase", defaultValue = "20s", description = "Length of each timed phase (default ${DEFAULT-VALUE}).")
        String phase;

        @Option(names = "--fast-swaps", defaultValue = "1000", description = "Swaps of the memory phase (default ${DEFAULT-VALUE}).")
        int fastSwaps;

        @Override
        Map<String, Object> measure() throws IOException, InterruptedException {
            return new GatewayBenchmark(clients, Durations.parse(phase), fastSwaps, System.out).run();
        }
    }

    @Command(name = "freshness", mixinStandardHelpOptions = true,
            description = "Time from a traffic event to the serving of a checkpoint trained on it, on the embedded default.")
    static final class Freshness extends Benchmark {
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
        Map<String, Object> measure() throws IOException, InterruptedException {
            TeacherStore store = storedTeacher(teacherDir);
            Duration interval = Durations.parse(checkpointInterval);
            return FreshnessBenchmark.run(new FreshnessBenchmark.Settings(store.dir(),
                    Durations.parse(duration), Durations.parse(warmUp), rate, interval));
        }
    }

    @Command(name = "refresh", mixinStandardHelpOptions = true,
            description = "Steady traffic, a drift at a known time, then the continuously distilled student against the one frozen "
                    + "before the drift, both scored on drifted test images; recovery time, lasting gap, input-drift alert delay.")
    static final class Refresh extends Benchmark {
        @Option(names = "--drift", defaultValue = "blur", paramLabel = "KIND",
                description = "Image drift kind: noise, brightness, contrast, blur, rotation or invert (default ${DEFAULT-VALUE}).")
        String drift;

        @Option(names = "--steady", defaultValue = "10m", description = "Traffic before the drift; false alarms are counted over it (default ${DEFAULT-VALUE}).")
        String steady;

        @Option(names = "--after", defaultValue = "3m", description = "Traffic after the drift (default ${DEFAULT-VALUE}).")
        String after;

        @Option(names = "--rate", defaultValue = "50", description = "Events per second (default ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--sample-every", defaultValue = "5s", description = "How often both students are scored (default ${DEFAULT-VALUE}).")
        String sampleEvery;

        @Option(names = "--test-images", defaultValue = "2000", description = "Held-out test images scored each time (default ${DEFAULT-VALUE}).")
        int testImages;

        @Option(names = "--plot", defaultValue = "refresh.png", description = "PNG of the curves (default ${DEFAULT-VALUE}).")
        Path plot;

        @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher, where the shipped teacher is installed when empty).")
        Path teacherDir;

        @Override
        Map<String, Object> measure() throws IOException, InterruptedException {
            Drift.Kind kind = Drift.parse(drift + "@0s").kind();
            TeacherStore store = storedTeacher(teacherDir);
            try (Classifier teacher = store.load().classifier(Device.cpu())) {
                return RefreshBenchmark.run(new RefreshBenchmark.Settings(store.dir(), kind, Durations.parse(steady),
                        Durations.parse(after), rate, Durations.parse(sampleEvery), testImages, plot), teacher);
            }
        }
    }

    @Command(name = "gates", mixinStandardHelpOptions = true,
            description = "Good and deliberately worse checkpoints (shuffled labels, three classes, perturbed weights) through the gateway's paired gate.")
    static final class Gates extends Benchmark {
        @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher); without a trained teacher a stand-in MLP is trained first.")
        Path teacherDir;

        @Option(names = "--student", description = "Student architecture (default ${DEFAULT-VALUE}).")
        String student = GatesBenchmark.Settings.DEFAULT.student();

        @Option(names = "--good", description = "Good checkpoints after the first served one (default ${DEFAULT-VALUE}).")
        int good = GatesBenchmark.Settings.DEFAULT.goodCheckpoints();

        @Option(names = "--bad-every", description = "One bad checkpoint after every this many good ones (default ${DEFAULT-VALUE}).")
        int badEvery = GatesBenchmark.Settings.DEFAULT.badEvery();

        @Option(names = "--publish-ema-decay", description = "The trainer's publish.ema.decay for the good checkpoints; 0 offers "
                + "the newest weights of each step instead of the average the trainer publishes (default ${DEFAULT-VALUE}).")
        double publishEmaDecay = GatesBenchmark.Settings.DEFAULT.publishEmaDecay();

        @Override
        Map<String, Object> measure() throws IOException {
            GatesBenchmark.Settings defaults = GatesBenchmark.Settings.DEFAULT;
            GatesBenchmark.Settings settings = new GatesBenchmark.Settings(student, good, badEvery, defaults.stepsBetween(),
                    defaults.warmupSteps(), defaults.examples(), defaults.noise(), defaults.seed(), publishEmaDecay);
            TeacherStore store = new TeacherStore(teacherDir == null ? TeacherStore.defaultDir() : teacherDir);
            try (Classifier teacher = store.exists() ? store.load().classifier(Device.cpu()) : GatesBenchmark.standInTeacher(1500)) {
                Map<String, Object> figures = new java.util.LinkedHashMap<>();
                figures.put("teacher", store.exists() ? store.dir().toString() : "stand-in mlp:784-256-10 (no trained teacher)");
                figures.putAll(GatesBenchmark.run(settings, teacher));
                return figures;
            }
        }
    }

    @Command(name = "peak", mixinStandardHelpOptions = true,
            description = "This CPU's fp32 GEMM rate through DJL (the limit) against the teacher's forward pass and the trainer's step, in FLOP/s.")
    static final class Peak extends Benchmark {
        @Option(names = "--teacher", description = "Teacher architecture (default ${DEFAULT-VALUE}).")
        String teacher = PeakBenchmark.Settings.defaults().teacher().spec();

        @Option(names = "--student", description = "Student architecture (default ${DEFAULT-VALUE}).")
        String student = PeakBenchmark.Settings.defaults().student().spec();

        @Option(names = "--batch-size", description = "Examples per teacher call and trainer step (default ${DEFAULT-VALUE}).")
        int batchSize = PeakBenchmark.Settings.defaults().batch();

        @Option(names = "--gemm-size", description = "Side of the square matrices of the GEMM limit (default ${DEFAULT-VALUE}).")
        int gemmSize = PeakBenchmark.Settings.defaults().gemmSize();

        @Option(names = "--seconds", description = "Seconds measured per phase (default ${DEFAULT-VALUE}).")
        double seconds = PeakBenchmark.Settings.defaults().seconds();

        @Option(names = "--threads", description = "PyTorch threads, as the teacher's inference.threads (default ${DEFAULT-VALUE}: one fewer than the cores).")
        int threads = PeakBenchmark.Settings.defaults().threads();

        @Override
        Map<String, Object> measure() {
            return PeakBenchmark.run(new PeakBenchmark.Settings(Architecture.parse(teacher), Architecture.parse(student),
                    batchSize, gemmSize, seconds, threads));
        }
    }
}

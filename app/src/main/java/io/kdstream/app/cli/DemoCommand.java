package io.kdstream.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kdstream.app.data.ShippedTeachers;
import io.kdstream.app.data.TaskData;
import io.kdstream.app.demo.Demo;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Devices;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.training.TeacherTraining;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kd demo}: the whole loop in one JVM on the embedded broker, then a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run broker, teacher, trainer, gateway, monitor and replay in this JVM; show live progress; print and save a summary.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "120s", description = "How long traffic flows, e.g. 120s or 5m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "Also write the summary to FILE as JSON.")
    Path summaryJson;

    @Option(names = "--rate", defaultValue = "800", description = "Replayed images per second onto kd-traffic (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--client-rate", defaultValue = "50", description = "Client requests per second through the gateway (default ${DEFAULT-VALUE}).")
    double clientRate;

    @Option(names = "--port", defaultValue = "8080", description = "Gateway HTTP port; /metrics is served there too (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--teacher-dir", description = "Teacher folder (default $KD_HOME/teacher for fashion-mnist, $KD_HOME/teachers/<task> "
            + "for others; KD_HOME defaults to ~/.kd). An empty folder gets the task's shipped teacher, or one trained first.")
    Path teacherDir;

    @Mixin
    TaskOptions taskOptions;

    @Option(names = "--data", paramLabel = "FILE",
            description = "Replay this .csv or .jsonl file (and train a missing teacher on it) instead of the task's built-in data.")
    Path dataFile;

    @Option(names = "--test", paramLabel = "FILE", description = "Labelled .csv or .jsonl examples the teacher and student are scored on.")
    Path testFile;

    @Option(names = "--teacher-torchscript", paramLabel = "FILE", description = "Label with this TorchScript model instead of a "
            + "trained teacher (bring your own teacher; its task is the one FILE's sidecar .task.json declares, which must be --task).")
    Path torchScript;

    @Override
    public Integer call() throws IOException, InterruptedException {
        // The live progress lines are the demo's story; the services' own INFO lines would drown them.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.kdstream")).setLevel(Level.WARN);
        PyTorchThreads.oneUnlessSet();
        TaskData data = taskOptions.data();
        TeacherManifest teacher;
        Map<String, Object> teacherSettings;
        if (torchScript != null) {
            teacher = TeacherTraining.describeTorchScript(torchScript, data.task(), data.test(testFile),
                    Devices.choose("auto", "TorchScript teacher scoring"));
            System.out.printf(Locale.ROOT, "Labelling with the TorchScript teacher %s (%,d parameters, test accuracy %.4f)%n",
                    torchScript, teacher.parameters(), teacher.testAccuracy());
            teacherSettings = Map.of(TeacherConfig.TEACHER_TORCHSCRIPT_PATH, torchScript.toAbsolutePath().toString(),
                    TaskSetting.KEY, taskOptions.nameOrPath());
        } else {
            TeacherStore store = new TeacherStore(teacherDir == null ? ShippedTeachers.defaultDir(data.task()) : teacherDir);
            teacher = teacher(store, data);
            teacherSettings = Map.of(TeacherConfig.TEACHER_DIR, store.dir().toString(), TaskSetting.KEY, taskOptions.nameOrPath());
        }
        Demo.Options options = new Demo.Options(Durations.parse(duration), rate, clientRate, port, teacherSettings, teacher, data,
                taskOptions.nameOrPath(), dataFile, testFile);
        Map<String, Object> summary = new Demo(options, System.out).run();
        printTable(summary);
        if (summaryJson != null) {
            Files.writeString(summaryJson, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
            System.out.println("Summary written to " + summaryJson);
        }
        return 0;
    }

    /** The stored teacher; else the shipped one of a built-in task; else one trained now (once). */
    private TeacherManifest teacher(TeacherStore store, TaskData data) {
        if (store.exists()) {
            return store.manifest();
        }
        Optional<TeacherManifest> shipped = dataFile == null ? ShippedTeachers.install(data.task(), store) : Optional.empty();
        if (shipped.isPresent()) {
            System.out.printf(Locale.ROOT, "Using kd's shipped %s teacher (test accuracy %.4f), installed into %s%n",
                    data.task().name(), shipped.get().testAccuracy(), store.dir());
            return shipped.get();
        }
        System.out.println("No teacher is stored in " + store.dir() + " yet: training the reference teacher first (once).");
        TeacherTraining.Settings defaults = TeacherTraining.Settings.DEFAULT;
        return TeacherCommand.train(store, data, dataFile, testFile, new TeacherTraining.Settings(Architecture.teacherFor(data.task()),
                defaults.epochs(), defaults.batchSize(), defaults.learningRate(), defaults.seed(), defaults.device()));
    }

    @SuppressWarnings("unchecked")
    private static void printTable(Map<String, Object> summary) {
        System.out.println();
        System.out.println("kd-stream demo summary");
        System.out.println("-".repeat(48));
        summary.forEach((section, value) -> {
            if (value instanceof Map<?, ?> figures) {
                ((Map<String, Object>) figures).forEach((name, figure) ->
                        System.out.printf(Locale.ROOT, "%-32s %s%n", section + "." + name, format(figure)));
            } else {
                System.out.printf(Locale.ROOT, "%-32s %s%n", section, format(value));
            }
        });
    }

    private static String format(Object figure) {
        if (figure instanceof Double value) {
            return String.format(Locale.ROOT, "%.4f", value);
        }
        return figure instanceof Number number ? String.format(Locale.ROOT, "%,d", number.longValue()) : String.valueOf(figure);
    }
}

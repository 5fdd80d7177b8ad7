package io.kdstream.app.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.app.data.TaskData;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.GatewayTrafficSink;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.app.replay.ReplaySource;
import io.kdstream.client.GatewayClient;
import io.kdstream.client.GatewayException;
import io.kdstream.core.data.BadRowPolicy;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.data.LabeledData;
import io.kdstream.core.eval.ClassificationScores;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.task.TaskContract;
import io.kdstream.monitor.MonitorConfig;
import io.kdstream.monitor.MonitorSnapshot;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.core.instrument.Timer;

/**
 * {@code kd demo}: the whole loop on the embedded broker, for any task. Replayed examples (Fashion-MNIST training
 * images by default, the generated tabular stream, or a file's rows) stream onto kd-traffic for the teacher; a smaller
 * stream of client requests goes through the gateway once it serves a model (answered, recorded for the monitor,
 * shadowed to the teacher, true labels arriving late). Every two seconds a progress line; at the end the student is
 * scored through the gateway's HTTP API on the task's test examples (Fashion-MNIST's 10,000 test images, the
 * generator's held-out sample, or the operator's test file).
 */
public final class Demo {

    /**
     * @param replayRate  events per second straight onto kd-traffic
     * @param clientRate  requests per second through the gateway
     * @param task        the task and its data; {@code dataFile} and {@code testFile} replace its built-in data when given
     * @param taskSetting the task as the services' task setting takes it (a built-in name or a task file)
     */
    public record Options(Duration duration, double replayRate, double clientRate, int gatewayPort,
                          Map<String, Object> teacherSettings, TeacherManifest teacher,
                          TaskData task, String taskSetting, Path dataFile, Path testFile) {
    }

    private static final int SCORING_BATCH = 250;
    private static final long REPLAY_SEED = 1;
    private static final long CLIENT_SEED = 2;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private final Options options;
    private final PrintStream out;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the demo and returns its summary (nested maps: teacher, student, gateway, pipeline, monitor). */
    public Map<String, Object> run() throws IOException, InterruptedException {
        TaskData data = options.task();
        LabeledData test = data.test(options.testFile());
        Pipeline.Settings settings = new Pipeline.Settings(4, options.teacherSettings(),
                Map.of(TrainerConfig.CHECKPOINT_INTERVAL_MS, 2000, TrainerConfig.REPLAY_FRACTION, 0.5, TaskSetting.KEY, options.taskSetting()),
                Map.of("http.port", options.gatewayPort(), "shadow.fraction", 1.0, TaskSetting.KEY, options.taskSetting()),
                // Windows short enough that a two-minute run shows live figures; production keeps the defaults.
                Map.of(MonitorConfig.QUALITY_WINDOW_MS, 10_000, MonitorConfig.JOIN_WINDOW_MS, 10_000, MonitorConfig.JOIN_GRACE_MS, 2_000,
                        MonitorConfig.DRIFT_WINDOW_MS, 10_000, MonitorConfig.DRIFT_REFERENCE_MS, 30_000, TaskSetting.KEY, options.taskSetting()));
        out.printf("Task %s; starting an embedded Kafka broker and every service (teacher %s %s, test accuracy %.4f) ...%n",
                data.task().summary(), options.teacher().id(), options.teacher().version(), options.teacher().testAccuracy());
        try (Pipeline pipeline = Pipeline.start(settings)) {
            out.printf("Gateway at %s (metrics at %s/metrics); replaying %s examples/s onto %s%n", pipeline.gatewayUrl(),
                    pipeline.gatewayUrl(), rate(options.replayRate()), Topics.DEFAULT.traffic());
            GatewayClient gatewayClient = new GatewayClient(pipeline.gatewayUrl());
            GatewayTrafficSink clientSink;
            long clientFailures;
            try (Replay replay = new Replay(new KafkaTrafficSink(kafka(pipeline), Topics.DEFAULT.traffic(), "kd-demo-replay"),
                    traffic(REPLAY_SEED), options.replayRate(), 0, Drift.NONE)) {
                replay.start();
                clientSink = new GatewayTrafficSink(pipeline.gatewayUrl(), kafka(pipeline), Topics.DEFAULT.groundTruth(), "kd-demo-clients");
                Replay clients = null;
                long started = System.nanoTime();
                long deadline = started + options.duration().toNanos();
                while (System.nanoTime() < deadline) {
                    Thread.sleep(PROGRESS_EVERY.toMillis());
                    if (clients == null && pipeline.gateway().servedVersion() >= 0) {
                        out.println("The gateway serves its first student: client requests start flowing through it.");
                        clients = new Replay(clientSink, traffic(CLIENT_SEED), options.clientRate(), 0, Drift.NONE);
                        clients.start();
                    }
                    out.println(progressLine(Duration.ofNanos(System.nanoTime() - started), pipeline, gatewayClient));
                }
                if (clients != null) {
                    clients.close();
                }
                clientFailures = clientSink.failures();
            }
            pipeline.stopTrainer();
            awaitFinalSwap(pipeline);
            out.printf(Locale.ROOT, "Scoring the served student on the %,d test examples through POST /v1/predict ...%n", test.count());
            return summary(pipeline, gatewayClient, test, clientFailures);
        }
    }

    private String progressLine(Duration elapsed, Pipeline pipeline, GatewayClient gateway) {
        MonitorSnapshot monitor = pipeline.monitor().snapshot();
        String holdout = "";
        try {
            JsonNode scores = gateway.model().details().path("holdout");
            if (scores.has("agreement")) {
                holdout = String.format(Locale.ROOT, " (holdout agr %.3f acc %s)", scores.path("agreement").asDouble(),
                        scores.path("accuracy").isNumber() ? String.format(Locale.ROOT, "%.3f", scores.path("accuracy").asDouble()) : "-");
            }
        } catch (GatewayException e) {
            holdout = e.retriable() ? "" : " (model: " + e.getMessage() + ")";
        } catch (IOException | InterruptedException e) {
            holdout = " (model: " + e.getMessage() + ")";
        }
        return String.format(Locale.ROOT, "[%4ds] labels %,7d | distilled %,7d | student v%-3d%s | live agreement %s kl %s | drift psi %s",
                elapsed.toSeconds(), pipeline.teacher().labelsProduced(), pipeline.trainer().samplesTrained(),
                pipeline.gateway().servedVersion(), holdout, figure(monitor.agreement()), figure(monitor.kl()),
                figure(monitor.psiTeacher()));
    }

    /** The trainer's last checkpoint reaches the gateway within a few seconds, unless its gates refuse it. */
    private static void awaitFinalSwap(Pipeline pipeline) throws InterruptedException {
        long last = pipeline.trainer().latestVersion();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pipeline.gateway().servedVersion() < last && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Replayed traffic of the task; generated streams follow {@code seed}, so replay and clients differ. */
    private ReplaySource traffic(long seed) {
        return options.task().replay(options.dataFile(), BadRowPolicy.SKIP, seed);
    }

    private Map<String, Object> summary(Pipeline pipeline, GatewayClient gateway, LabeledData test, long clientFailures)
            throws IOException, InterruptedException {
        TaskContract task = test.task();
        int[] predicted = new int[test.count()];
        long scoringErrors = 0;
        for (int start = 0; start < test.count(); start += SCORING_BATCH) {
            int batch = Math.min(SCORING_BATCH, test.count() - start);
            List<float[]> inputs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                inputs.add(test.input(start + i));
            }
            try {
                List<GatewayClient.Prediction> predictions = gateway.predictBatch(inputs);
                for (int i = 0; i < batch; i++) {
                    predicted[start + i] = predictions.get(i).topClass();
                }
            } catch (GatewayException e) {
                scoringErrors += batch;
                Arrays.fill(predicted, start, start + batch, -1);
            }
        }
        int[] scored = Arrays.stream(predicted).map(p -> Math.max(p, 0)).toArray();
        ClassificationScores scores = ClassificationScores.of(scored, test.labels(), task.classCount());
        double studentLatency = medianSingleRequestMs(gateway, test);
        MonitorSnapshot monitor = pipeline.monitor().snapshot();

        Map<String, Object> taskFigures = new LinkedHashMap<>();
        taskFigures.put("name", task.name());
        taskFigures.put("input_shape", task.shape());
        taskFigures.put("classes", task.classCount());
        Map<String, Object> teacher = new LinkedHashMap<>();
        teacher.put("id", options.teacher().id());
        teacher.put("version", options.teacher().version());
        teacher.put("test_accuracy", options.teacher().testAccuracy());
        teacher.put("parameters", options.teacher().parameters());
        teacher.put("latency_ms", options.teacher().latencyMs());
        Map<String, Object> student = new LinkedHashMap<>();
        student.put("test_accuracy", scores.accuracy());
        student.put("macro_f1", scores.macroF1());
        student.put("parameters", pipeline.studentArchitecture().parameterCount());
        // the seeds' compression ratio: teacher parameters per student parameter
        student.put("compression_ratio", (double) options.teacher().parameters() / pipeline.studentArchitecture().parameterCount());
        student.put("latency_ms", studentLatency);
        student.put("version", pipeline.gateway().servedVersion());
        student.put("per_class", PerClassFigures.of(predicted, test.labels(), task.classNames(), pipeline.registry()));
        Map<String, Object> gatewayFigures = new LinkedHashMap<>();
        gatewayFigures.put("swaps", pipeline.gateway().swaps());
        gatewayFigures.put("errors", serverErrors(pipeline) + clientFailures + scoringErrors);
        Map<String, Object> pipelineFigures = new LinkedHashMap<>();
        pipelineFigures.put("labels_produced", pipeline.teacher().labelsProduced());
        pipelineFigures.put("samples_trained", pipeline.trainer().samplesTrained());
        pipelineFigures.put("checkpoints_published", pipeline.trainer().latestVersion());
        pipelineFigures.put("freshness_p50_s", nullIfNaN(monitor.freshnessP50Seconds()));
        Map<String, Object> monitorFigures = new LinkedHashMap<>();
        monitorFigures.put("agreement", nullIfNaN(monitor.agreement()));
        monitorFigures.put("kl", nullIfNaN(monitor.kl()));
        monitorFigures.put("accuracy", nullIfNaN(monitor.accuracy()));
        monitorFigures.put("psi_teacher", nullIfNaN(monitor.psiTeacher()));
        monitorFigures.put("matched", monitor.matched());

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("duration_s", options.duration().toSeconds());
        summary.put("task", taskFigures);
        summary.put("teacher", teacher);
        summary.put("student", student);
        summary.put("gateway", gatewayFigures);
        summary.put("pipeline", pipelineFigures);
        summary.put("monitor", monitorFigures);
        return summary;
    }

    /** Median wall time of single-example requests over loopback, as a client sees it. */
    private static double medianSingleRequestMs(GatewayClient gateway, LabeledData test) throws IOException, InterruptedException {
        int samples = 200;
        double[] millis = new double[samples];
        for (int i = 0; i < samples; i++) {
            float[] input = test.input(i % test.count());
            long started = System.nanoTime();
            gateway.predict(null, input);
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        Arrays.sort(millis);
        return millis[samples / 2];
    }

    private static long serverErrors(Pipeline pipeline) {
        Timer errors = pipeline.registry().find("kd.gateway.request").tag("outcome", "server_error").timer();
        return errors == null ? 0 : errors.count();
    }

    private static Map<String, Object> kafka(Pipeline pipeline) {
        return Map.of("bootstrap.servers", pipeline.bootstrapServers());
    }

    private static String rate(double rate) {
        return rate == 0 ? "as many" : String.format(Locale.ROOT, "%.0f", rate);
    }

    private static String figure(double value) {
        return Double.isNaN(value) ? "  -  " : String.format(Locale.ROOT, "%.3f", value);
    }

    private static Object nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}

package io.kdstream.app.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import io.kdstream.app.demo.Pipeline;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.task.TaskContract;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.trainer.TrainerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kd bench refresh} (issue #16): does continuous distillation pay after a drift? On the embedded default,
 * Fashion-MNIST traffic at a steady rate; after {@code steady} a drift begins; for {@code after} more the benchmark
 * keeps scoring, on held-out test images drifted the same way, (a) the checkpoint the gateway serves and (b) the one
 * it served just before the drift, against the teacher (agreement) and the true labels (accuracy), and watches the
 * monitor's largest input-feature PSI as KdInputDrift would (above 0.25 for 30 s).
 *
 * <p>The measured traffic starts once the gateway serves a first checkpoint. Before the drift, (a) is scored on the clean test images, which is what the traffic then looks like. Held-out
 * test images rather than the live windows: both students are scored on the same inputs, and none of them was
 * trained on.
 */
public final class RefreshBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshBenchmark.class);
    /** KdInputDrift's threshold and pending time (ops/prometheus/alerts.yml). */
    static final double ALERT_PSI = 0.25;
    static final Duration ALERT_FOR = Duration.ofSeconds(30);
    private static final String MODEL = "student";
    /** Longest wait for the first served checkpoint before the measured traffic starts. */
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(10);

    /**
     * @param kind        the drift, one of {@link Drift.Kind}'s image kinds or invert
     * @param steady      traffic before the drift (false alarms are counted over it)
     * @param after       traffic after the drift
     * @param sampleEvery how often both students are scored
     * @param testImages  held-out test images scored each time
     */
    public record Settings(Path teacherDir, Drift.Kind kind, Duration steady, Duration after, double rate,
                           Duration sampleEvery, int testImages, Path plot) {
    }

    private RefreshBenchmark() {
    }

    public static Map<String, Object> run(Settings settings, Classifier teacher) throws InterruptedException {
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST).head(settings.testImages());
        TaskContract task = test.task();
        Drift drift = new Drift(settings.kind(), settings.steady());
        TestSet clean = TestSet.of(test, teacher);
        TestSet drifted = drifted(test, task, drift, teacher);
        Pipeline.Settings pipelineSettings = new Pipeline.Settings(4,
                Map.of(TeacherConfig.TEACHER_DIR, settings.teacherDir().toString()),
                Map.of(TrainerConfig.MODEL_NAME, MODEL), Map.of("http.port", 0), Map.of());
        List<RefreshFigures.Sample> samples = new ArrayList<>();
        List<Long> alerts = new ArrayList<>();
        TestSet.Score frozenScore = null;
        TestSet.Score continuousScore = null;
        long driftMs;
        try (Pipeline pipeline = Pipeline.start(pipelineSettings)) {
            Architecture architecture = pipeline.studentArchitecture();
            LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN);
            warmUp(pipeline, train, settings.rate());
            try (Replay replay = new Replay(sink(pipeline), train, settings.rate(), 0, drift)) {
                replay.start();
                long started = System.currentTimeMillis();
                driftMs = started + settings.steady().toMillis();
                long end = driftMs + settings.after().toMillis();
                long nextSample = started;
                long aboveSince = -1;
                byte[] servedBefore = null;
                byte[] frozen = null;
                while (System.currentTimeMillis() < end) {
                    long now = System.currentTimeMillis();
                    double psi = pipeline.monitor().metrics().inputDriftMax();
                    if (psi > ALERT_PSI) {
                        aboveSince = aboveSince < 0 ? now : aboveSince;
                        if (now - aboveSince >= ALERT_FOR.toMillis() && (alerts.isEmpty() || alerts.get(alerts.size() - 1) < aboveSince)) {
                            alerts.add(now);
                            LOG.info("Refresh: input-drift alert at {} s from the drift (PSI {})", (now - driftMs) / 1000.0, psi);
                        }
                    } else {
                        aboveSince = -1;
                    }
                    if (now >= nextSample) {
                        nextSample += settings.sampleEvery().toMillis();
                        byte[] served = served(pipeline);
                        if (served == null) {
                            continue;
                        }
                        if (now < driftMs) {
                            servedBefore = served;
                            samples.add(new RefreshFigures.Sample(now, score(architecture, served, clean).agreement(), Double.NaN));
                        } else {
                            if (servedBefore == null) {
                                throw new IllegalStateException("the gateway served no checkpoint before the drift; lengthen --steady");
                            }
                            frozen = frozen == null ? servedBefore : frozen;
                            continuousScore = score(architecture, served, drifted);
                            frozenScore = score(architecture, frozen, drifted);
                            samples.add(new RefreshFigures.Sample(now, continuousScore.agreement(), frozenScore.agreement()));
                            LOG.info("Refresh: +{} s agreement continuous {} frozen {}", (now - driftMs) / 1000,
                                    continuousScore.agreement(), frozenScore.agreement());
                        }
                    }
                    Thread.sleep(200);
                }
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("drift", settings.kind().label());
        figures.put("rate_per_s", settings.rate());
        figures.put("steady_s", settings.steady().toSeconds());
        figures.put("after_s", settings.after().toSeconds());
        figures.putAll(RefreshFigures.of(samples, driftMs, settings.steady().toMillis() / 2, alerts));
        figures.put("teacher_accuracy_clean", clean.teacherAccuracy());
        figures.put("teacher_accuracy_drifted", drifted.teacherAccuracy());
        figures.put("continuous_accuracy_end", continuousScore == null ? Double.NaN : continuousScore.accuracy());
        figures.put("frozen_accuracy_end", frozenScore == null ? Double.NaN : frozenScore.accuracy());
        figures.put("samples", samples.size());
        RefreshPlot.write(settings.plot(), "kd bench refresh: " + settings.kind().label() + " drift at " + settings.steady().toSeconds()
                + " s, " + settings.rate() + " events/s", samples, driftMs, alerts);
        figures.put("plot", settings.plot().toString());
        return figures;
    }

    /**
     * Undrifted traffic until the gateway serves a first checkpoint (the student has passed its gate), so the steady
     * phase measures a student at work rather than the start-up.
     *
     * @throws IllegalStateException when none is served within {@link #WARM_UP_LIMIT}
     */
    private static void warmUp(Pipeline pipeline, LabeledImages train, double rate) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WARM_UP_LIMIT.toMillis();
        try (Replay replay = new Replay(sink(pipeline), train, rate, 0, Drift.NONE)) {
            replay.start();
            while (pipeline.gateway().servedVersion() < 0) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the gateway served no checkpoint within " + WARM_UP_LIMIT.toMinutes()
                            + " minutes of traffic; see the trainer's and the gateway's log lines");
                }
                Thread.sleep(500);
            }
        }
        LOG.info("Refresh: warmed up, the gateway serves v{}", pipeline.gateway().servedVersion());
    }

    private static KafkaTrafficSink sink(Pipeline pipeline) {
        return new KafkaTrafficSink(Map.of("bootstrap.servers", pipeline.bootstrapServers()), Topics.DEFAULT.traffic(), "kd-bench-refresh");
    }

    /** The weights of the checkpoint the gateway serves now, or null while it serves none. */
    private static byte[] served(Pipeline pipeline) {
        long version = pipeline.gateway().servedVersion();
        for (CheckpointAssembler.Assembled checkpoint : BenchStreams.checkpoints(pipeline.bootstrapServers(), "kd-bench-refresh-checkpoints", MODEL)) {
            if (checkpoint.manifest().getVersion() == version) {
                return checkpoint.weights();
            }
        }
        return null;
    }

    private static TestSet.Score score(Architecture architecture, byte[] weights, TestSet test) {
        try (Classifier student = Classifier.fromWeights(architecture, weights, Device.cpu())) {
            return test.score(student.probabilities(test.inputs(), test.count(), 1f));
        }
    }

    /** The test images drifted as the traffic will be, with the teacher's answers on them. */
    private static TestSet drifted(LabeledImages test, TaskContract task, Drift drift, Classifier teacher) {
        float[] clean = BenchStreams.unitInputs(test);
        float[] inputs = new float[clean.length];
        int size = task.inputSize();
        for (int i = 0; i < test.count(); i++) {
            float[] input = new float[size];
            System.arraycopy(clean, i * size, input, 0, size);
            float[] changed = drift.transform(new LabeledExample(input, test.label(i)), task, i).input();
            System.arraycopy(changed, 0, inputs, i * size, size);
        }
        return TestSet.of(inputs, test.labels().clone(), teacher);
    }
}

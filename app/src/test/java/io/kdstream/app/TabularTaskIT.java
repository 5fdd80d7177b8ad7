package io.kdstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kdstream.app.demo.Pipeline;
import io.kdstream.client.GatewayClient;
import io.kdstream.client.GatewayException;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.data.RandomRbf;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.RawScaleRows;
import io.kdstream.core.testing.TopicRecords;
import io.kdstream.gateway.GatewayConfig;
import io.kdstream.monitor.MonitorConfig;
import io.kdstream.monitor.MonitorSnapshot;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.training.TeacherTraining;
import io.kdstream.teacher.training.TrainingListener;
import io.kdstream.trainer.TrainerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop on the tabular task (16 named features, 5 classes; neither 784 inputs nor 10 classes anywhere) through a
 * real in-process broker: a reference teacher trained here on the task's random-RBF stream labels tabular traffic, the
 * trainer distils the task's default student from those labels, the gateway serves it to clients that name their
 * features over HTTP and shadows their requests back to the teacher, and the monitor scores the gateway's answers
 * against the teacher's. Every stage is configured with {@code task=tabular-rbf} and refuses nothing. A second test
 * does what a user with a CSV file of raw-scale features does: one pass over their rows gets a student served.
 */
class TabularTaskIT {

    private static final TaskContract TASK = BuiltInTasks.TABULAR_RBF;
    private static final Set<String> TASK_SERVICES = Set.of("teacher-service", "student-trainer", "monitor");

    @Test
    void shouldDistilATabularStudentFromATabularTeacherEndToEnd(@TempDir Path teacherDir) throws Exception {
        // given the task's reference teacher, trained here on seeded rows
        TeacherStore store = new TeacherStore(teacherDir);
        RandomRbf rbf = RandomRbf.tabular();
        TeacherManifest teacher = new TeacherTraining(new TeacherTraining.Settings(null, 3, 64, 3e-3f, 7, "cpu"))
                .trainAndSave(rbf.sample(6000, 1), rbf.sample(1000, 2), store, TrainingListener.SILENT);
        assertThat(teacher.task()).isEqualTo(TASK);
        assertThat(teacher.testAccuracy()).as("teacher accuracy, chance is 0.2").isGreaterThan(0.5);
        Instant testStart = Instant.now();

        Map<String, Object> task = Map.of(TaskSetting.KEY, TASK.name());
        Pipeline.Settings settings = new Pipeline.Settings(2,
                with(task, TeacherConfig.TEACHER_DIR, teacherDir.toString()),
                with(task, TrainerConfig.CHECKPOINT_INTERVAL_MS, 1000),
                with(with(with(task, GatewayConfig.HTTP_PORT, 0), GatewayConfig.GATE_MIN_AGREEMENT, 0.3),
                        GatewayConfig.SHADOW_FRACTION, 1.0),
                with(with(task, MonitorConfig.DRIFT_WINDOW_MS, 2000), MonitorConfig.DRIFT_REFERENCE_MS, 2000));
        try (Pipeline pipeline = Pipeline.start(settings)) {
            // when tabular traffic flows in two waves, the second once a first checkpoint is out
            LabeledVectors traffic = rbf.sample(4000, 3);
            send(pipeline, traffic, 0, 2000);
            Eventually.await("a first checkpoint", Duration.ofSeconds(150), () -> pipeline.trainer().latestVersion(), v -> v >= 1);
            send(pipeline, traffic, 2000, 4000);
            // (about 200 of the 4,000 rows fall in the held-out slice at the default permille of 50; the newest
            // checkpoint is scored once most have arrived)
            Checkpoint manifest = Eventually.await("a checkpoint scored on most held-out rows", Duration.ofSeconds(150),
                    () -> newestManifest(pipeline), m -> m != null && m.getHoldout().getExamples() >= 150);

            // then the checkpoint is the task's default student, carries the task, and learned from this teacher
            assertThat(TaskContract.ofManifest(manifest.getTask())).isEqualTo(TASK);
            assertThat(manifest.getArchitecture()).isEqualTo(Architecture.studentFor(TASK).spec()).isEqualTo("mlp:16-96-5:norm");
            assertThat(manifest.getLineage().getSamplesSeen()).isPositive();
            assertThat(manifest.getLineage().getLabelTimeMin()).isGreaterThanOrEqualTo(testStart.toEpochMilli());
            // above the 0.2 of guessing among five classes: one pass of about 60 steps, published as a moving average
            assertThat(manifest.getHoldout().getAgreement()).as("holdout agreement with the teacher").isGreaterThan(0.3f);
            // and the soft labels are the teacher's, over 5 classes, each keeping its 16 features as they came
            List<ConsumerRecord<byte[], byte[]>> labels = TopicRecords.readAll(pipeline.bootstrapServers(), Topics.DEFAULT.softLabels());
            assertThat(labels).hasSizeGreaterThanOrEqualTo((int) manifest.getLineage().getSamplesSeen()).allSatisfy(record -> {
                SoftLabel label = Codecs.SOFT_LABEL.decode(record.value());
                assertThat(label.getTeacherVersion()).isEqualTo(teacher.version());
                assertThat(label.getClassCount()).isEqualTo(5);
                assertThat(label.getInput()).isEqualTo(traffic.tensor(Integer.parseInt(label.getRequestId().substring(4))));
            });

            // and the gateway serves a student of the task to clients that name their features
            long served = Eventually.await("the gateway to serve a student", Duration.ofSeconds(150),
                    () -> pipeline.gateway().servedVersion(), version -> version >= 1);
            GatewayClient gateway = new GatewayClient(pipeline.gatewayUrl());
            GatewayClient.ServedModel model = gateway.model();
            assertThat(model.task()).isEqualTo(TASK.name());
            assertThat(model.inputShape()).containsExactly(16);
            assertThat(model.classNames()).isEqualTo(TASK.classNames());
            LabeledVectors asked = rbf.sample(40, 4);
            for (int i = 0; i < asked.count(); i++) {
                GatewayClient.Prediction answer = gateway.predict("asked-" + i, named(asked.input(i)));
                assertThat(answer.probabilities()).hasSize(5);
                assertThat(TASK.classNames()).contains(answer.topClassName());
                assertThat(answer.modelVersion()).isGreaterThanOrEqualTo(served);
            }
            GatewayException missing = catchThrowableOfType(GatewayException.class,
                    () -> gateway.predict("missing", named(new float[15])));
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.detail()).contains("x15");

            // and the monitor scores the gateway's answers against the teacher's labels of the shadowed requests
            MonitorSnapshot scores = Eventually.await("the monitor to match predictions with labels", Duration.ofSeconds(120),
                    () -> pipeline.monitor().snapshot(), snapshot -> snapshot.matched() > 0 && Double.isFinite(snapshot.agreement()));
            assertThat(scores.agreement()).isBetween(0.0, 1.0);
            assertThat(scores.teacherEntropy()).isPositive().isLessThan(Math.log(5));
            // and no stage refused anything of the task
            List<DeadLetter> refused = TopicRecords.readAll(pipeline.bootstrapServers(), Topics.DEFAULT.deadLetters()).stream()
                    .map(record -> Codecs.DEAD_LETTER.decode(record.value()))
                    .filter(letter -> TASK_SERVICES.contains(letter.getService())).toList();
            assertThat(refused).isEmpty();
        }
    }

    @Test
    void shouldServeAStudentOfRawScaleFeaturesPastTheDefaultGateAfterOnePass(@TempDir Path dir) throws Exception {
        // given a user's task of raw-scale features (an amount up to 500 beside a risk in 0..1, as a CSV file has them)
        // and the task's reference teacher trained on such rows
        TaskContract raw = RawScaleRows.TASK;
        Path taskFile = Files.writeString(dir.resolve("card-fraud.task.json"), TaskFiles.toJsonText(raw));
        Path teacherDir = dir.resolve("teacher");
        TeacherManifest teacher = new TeacherTraining(new TeacherTraining.Settings(null, 3, 64, 3e-3f, 7, "cpu"))
                .trainAndSave(RawScaleRows.sample(4000, 1), RawScaleRows.sample(1000, 2), new TeacherStore(teacherDir),
                        TrainingListener.SILENT);
        assertThat(teacher.architecture()).isEqualTo(Architecture.teacherFor(raw).spec()).endsWith(":norm");
        assertThat(teacher.testAccuracy()).as("teacher accuracy on raw-scale rows").isGreaterThan(0.9);

        // (the gateway keeps its default gate: holdout agreement 0.6, where unstandardised students stayed below)
        Map<String, Object> task = Map.of(TaskSetting.KEY, taskFile.toString());
        Pipeline.Settings settings = new Pipeline.Settings(2,
                with(task, TeacherConfig.TEACHER_DIR, teacherDir.toString()),
                with(task, TrainerConfig.CHECKPOINT_INTERVAL_MS, 1000),
                with(task, GatewayConfig.HTTP_PORT, 0),
                task);
        try (Pipeline pipeline = Pipeline.start(settings)) {
            // when one pass over 3,000 raw rows flows
            send(pipeline, RawScaleRows.sample(3000, 3), 0, 3000);

            // then the gateway serves the task's standardising default student
            long served = Eventually.await("the gateway to serve a student of raw-scale features", Duration.ofSeconds(180),
                    () -> pipeline.gateway().servedVersion(), version -> version >= 1);
            GatewayClient gateway = new GatewayClient(pipeline.gatewayUrl());
            GatewayClient.ServedModel model = gateway.model();
            assertThat(model.architecture()).isEqualTo(Architecture.studentFor(raw).spec()).isEqualTo("mlp:3-96-2:norm");
            assertThat(model.details().path("holdout").path("agreement").asDouble()).isGreaterThanOrEqualTo(0.6);
            // and answers raw inputs with the class the rows' rule gives, mostly
            LabeledVectors asked = RawScaleRows.sample(100, 4);
            int right = 0;
            for (int i = 0; i < asked.count(); i++) {
                GatewayClient.Prediction answer = gateway.predict("raw-" + i, asked.input(i));
                assertThat(answer.modelVersion()).isGreaterThanOrEqualTo(served);
                right += answer.topClassName().equals(raw.classNames().get(asked.label(i))) ? 1 : 0;
            }
            assertThat(right).as("answers of 100 raw rows that match their class").isGreaterThanOrEqualTo(70);
        }
    }

    /** The values as named features, as a client that knows the task's feature names sends them. */
    private static Map<String, Float> named(float[] values) {
        Map<String, Float> features = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            features.put(TASK.featureNames().get(i), values[i]);
        }
        return features;
    }

    private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(settings);
        copy.put(key, value);
        return copy;
    }

    /** Rows {@code from..to-1} onto kd-traffic in the task's wire form, with their true labels, request ids row-i. */
    private static void send(Pipeline pipeline, LabeledVectors rows, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(
                Map.of("bootstrap.servers", pipeline.bootstrapServers()), "it-tabular-replay"))) {
            for (int i = from; i < to; i++) {
                String requestId = "row-" + i;
                TrafficEvent event = new TrafficEvent(requestId, Instant.now(), rows.tensor(i), rows.label(i), TrafficSource.REPLAY, null);
                producer.send(new ProducerRecord<>(Topics.DEFAULT.traffic(), requestId.getBytes(StandardCharsets.UTF_8),
                        Codecs.TRAFFIC_EVENT.encode(event)));
            }
            producer.flush();
        }
    }

    /** The newest committed manifest on kd-checkpoints, or null before the first. */
    private static Checkpoint newestManifest(Pipeline pipeline) {
        Checkpoint newest = null;
        for (ConsumerRecord<byte[], byte[]> record : TopicRecords.readAll(pipeline.bootstrapServers(), Topics.DEFAULT.checkpoints())) {
            CheckpointKey key = Codecs.CHECKPOINT_KEY.decode(record.key());
            if (key.getChunk() == -1 && record.value() != null && (newest == null || key.getVersion() > newest.getVersion())) {
                newest = Codecs.CHECKPOINT.decode(record.value());
            }
        }
        return newest;
    }
}

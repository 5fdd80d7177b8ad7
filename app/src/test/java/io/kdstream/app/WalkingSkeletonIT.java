package io.kdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.kdstream.app.demo.Pipeline;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.client.GatewayClient;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.testing.TopicRecords;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.training.TeacherTraining;
import io.kdstream.teacher.training.TrainingListener;
import io.kdstream.trainer.TrainerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end on a real in-process Kafka broker: a teacher trained in this test labels replayed
 * traffic, the trainer distils a student from those labels, and the gateway ends up serving a checkpoint trained on
 * them. No mock stands in for Kafka anywhere.
 */
class WalkingSkeletonIT {

    private static final Architecture TEACHER = Architecture.parse("mlp:784-128-10");
    private static final Architecture STUDENT = Architecture.parse("mlp:784-12-10");

    @Test
    void shouldServeAStudentDistilledFromLabelsTheTeacherProducedDuringTheTest(@TempDir Path teacherDir) throws Exception {
        // given a teacher trained here, and a student with at most a tenth of its parameters
        assertThat(STUDENT.parameterCount() * 10).isLessThanOrEqualTo(TEACHER.parameterCount());
        TeacherStore store = new TeacherStore(teacherDir);
        TeacherManifest teacher = new TeacherTraining(new TeacherTraining.Settings(TEACHER, 2, 64, 1e-3f, 7, "cpu"))
                .trainAndSave(FashionSlices.train(6000), FashionSlices.test(1000), store, TrainingListener.SILENT);
        Instant testStart = Instant.now();

        Pipeline.Settings settings = new Pipeline.Settings(2,
                Map.of(TeacherConfig.TEACHER_DIR, teacherDir.toString()),
                Map.of(TrainerConfig.STUDENT_ARCHITECTURE, STUDENT.spec(), TrainerConfig.CHECKPOINT_INTERVAL_MS, 1000),
                Map.of("http.port", 0, "gate.min.agreement", 0.3),
                Map.of());
        try (Pipeline pipeline = Pipeline.start(settings)) {
            // when replayed traffic flows through the loop in two waves, the second once a first student is served
            // (in one wave a fast machine can label and consume everything before the first checkpoint)
            LabeledImages traffic = FashionSlices.train(20_000);
            replay(pipeline, traffic, 4000);
            long first = Eventually.await("the gateway to serve a first checkpoint", Duration.ofSeconds(150),
                    () -> pipeline.gateway().servedVersion(), version -> version >= 1);
            replay(pipeline, traffic, 4000);

            // then the gateway swaps in a checkpoint newer than the first
            long served = Eventually.await("the gateway to serve a checkpoint newer than v" + first, Duration.ofSeconds(150),
                    () -> pipeline.gateway().servedVersion(), version -> version > first);
            GatewayClient gateway = new GatewayClient(pipeline.gatewayUrl());
            assertThat(gateway.model().version()).isGreaterThanOrEqualTo(served);

            // and that checkpoint was trained on soft labels this teacher produced during the test
            Checkpoint manifest = manifest(pipeline, served);
            assertThat(manifest.getLineage().getSamplesSeen()).isPositive();
            assertThat(manifest.getLineage().getLabelTimeMin()).isGreaterThanOrEqualTo(testStart.toEpochMilli());
            assertThat(manifest.getArchitecture()).isEqualTo(STUDENT.spec());
            List<SoftLabel> labels = softLabels(pipeline);
            assertThat(labels).hasSizeGreaterThanOrEqualTo((int) manifest.getLineage().getSamplesSeen());
            assertThat(labels).allSatisfy(label -> {
                assertThat(label.getTeacherVersion()).isEqualTo(teacher.version());
                assertThat(label.getLabelledTime()).isAfterOrEqualTo(testStart);
            });

            // and clients get answers from it over HTTP
            float[] image = new float[784];
            FashionSlices.test(1).writeUnitFloats(0, image, 0);
            GatewayClient.Prediction answer = gateway.predict("it-request", image);
            double sum = 0;
            for (float p : answer.probabilities()) {
                sum += p;
            }
            assertThat(answer.probabilities()).hasSize(10);
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(answer.requestId()).isEqualTo("it-request");
            assertThat(answer.modelVersion()).isGreaterThanOrEqualTo(served);
        }
    }

    /** Replays {@code count} images onto kd-traffic as fast as the broker takes them, under fresh request ids. */
    private static void replay(Pipeline pipeline, LabeledImages traffic, int count) throws InterruptedException {
        try (Replay replay = new Replay(new KafkaTrafficSink(Map.of("bootstrap.servers", pipeline.bootstrapServers()),
                Topics.DEFAULT.traffic(), "it-replay"), traffic, 0, count, Drift.NONE)) {
            replay.start();
            replay.awaitDone();
        }
    }

    private static Checkpoint manifest(Pipeline pipeline, long version) {
        for (ConsumerRecord<byte[], byte[]> record : TopicRecords.readAll(pipeline.bootstrapServers(), Topics.DEFAULT.checkpoints())) {
            CheckpointKey key = Codecs.CHECKPOINT_KEY.decode(record.key());
            if (key.getChunk() == -1 && key.getVersion() == version && record.value() != null) {
                return Codecs.CHECKPOINT.decode(record.value());
            }
        }
        throw new AssertionError("no manifest of version " + version + " on " + Topics.DEFAULT.checkpoints());
    }

    private static List<SoftLabel> softLabels(Pipeline pipeline) {
        return TopicRecords.readAll(pipeline.bootstrapServers(), Topics.DEFAULT.softLabels()).stream()
                .map(record -> Codecs.SOFT_LABEL.decode(record.value())).toList();
    }
}

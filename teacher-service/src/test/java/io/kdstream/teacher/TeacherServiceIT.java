package io.kdstream.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import ai.djl.Device;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.SparseProbabilities;
import io.kdstream.schemas.TeacherContribution;
import io.kdstream.schemas.Tensor;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.model.Teacher;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.model.Teachers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherServiceIT {

    private static final Topics TOPICS = Topics.DEFAULT;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static EmbeddedKafkaBroker kafka;
    private static TeacherManifest manifest;

    @TempDir
    static Path teacherDir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.startTemporary();
        kafka.createTopics(TOPICS.definitions(2, (short) 1));
        manifest = TestTeachers.tiny(teacherDir, 1);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldLabelEveryEventOnceAndDeadLetterGarbageWithoutStopping() {
        // given a trained teacher and a running service
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TeacherConfig config = new TeacherConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "teacher.dir", teacherDir.toString(), "device", "cpu", "commit.interval.ms", "50", "temperature", "3"));
        LabeledImages images = FashionSlices.test(150);
        try (TeacherService service = new TeacherService(config, registry)) {
            service.start();

            // when replay traffic arrives mixed with records the teacher cannot use
            List<ProducerRecord<byte[], byte[]>> traffic = new ArrayList<>(TestTraffic.events(TOPICS.traffic(), "it", images, 0, 100));
            traffic.add(TestTraffic.record(TOPICS.traffic(), "garbage", new byte[]{1, 2, 3, 4, 5}));
            traffic.add(event("wrong-shape", Tensors.uint8(new byte[100], 10, 10)));
            traffic.add(event("wrong-dtype", new Tensor(DType.INT64, List.of(784), ByteBuffer.wrap(new byte[784 * 8]))));
            traffic.add(event("short-data", new Tensor(DType.UINT8, List.of(1, 28, 28), ByteBuffer.wrap(new byte[700]))));
            float[] withNaN = new float[784];
            withNaN[5] = Float.NaN;
            traffic.add(event("nan-pixel", Tensors.float32(withNaN, 1, 28, 28)));
            traffic.addAll(TestTraffic.events(TOPICS.traffic(), "after", images, 100, 150));
            TestTraffic.send(kafka.bootstrapServers(), traffic);

            // then every good event gets exactly one label, read committed
            List<ConsumerRecord<byte[], byte[]>> labels = TestTraffic.readCommitted(kafka.bootstrapServers(), TOPICS.softLabels(), 150, TIMEOUT);
            Map<String, SoftLabel> byId = labels.stream().collect(Collectors.toMap(TestTraffic::key,
                    record -> Codecs.SOFT_LABEL.decode(record.value())));
            assertThat(labels).hasSize(150);
            assertThat(byId.keySet()).hasSize(150).allMatch(id -> id.startsWith("it-") || id.startsWith("after-"));
            for (SoftLabel label : byId.values()) {
                List<Float> p = ((DenseProbabilities) label.getProbabilities()).getValues();
                assertThat(p).hasSize(10).allMatch(value -> value >= 0 && value <= 1);
                assertThat(p.stream().mapToDouble(Float::doubleValue).sum()).isCloseTo(1.0, within(1e-4));
                assertThat(label.getTemperature()).isEqualTo(3f);
                assertThat(label.getTeacherId()).isEqualTo(manifest.id());
                assertThat(label.getTeacherVersion()).isEqualTo(manifest.version());
                assertThat(label.getClassCount()).isEqualTo(10);
                assertThat(label.getLabelledTime()).isAfterOrEqualTo(label.getEventTime());
            }
            SoftLabel seventh = byId.get("it-7");
            assertThat(seventh.getTrueLabel()).isEqualTo(images.labels()[7]);
            assertThat(Tensors.uint8Bytes(seventh.getInput())).containsExactly(images.image(7));
            assertThat(seventh.getInput().getShape()).containsExactly(1, 28, 28);

            // and the garbage sits in the dead-letter topic with its reasons
            Map<String, DeadLetter> dead = TestTraffic.readCommitted(kafka.bootstrapServers(), TOPICS.deadLetters(), 5, TIMEOUT).stream()
                    .map(record -> Codecs.DEAD_LETTER.decode(record.value()))
                    .collect(Collectors.toMap(letter -> new String(letter.getKey().array()), Function.identity()));
            assertThat(dead).hasSize(5);
            assertThat(dead.get("garbage").getReason()).isEqualTo("undecodable");
            assertThat(dead.get("wrong-shape").getReason()).isEqualTo(TaskContract.MISMATCH);
            assertThat(dead.get("wrong-shape").getDetail()).contains("task fashion-mnist expects uint8 [1, 28, 28] but found uint8 [10, 10]");
            assertThat(dead.get("wrong-dtype").getReason()).isEqualTo(TaskContract.MISMATCH);
            assertThat(dead.get("short-data").getReason()).isEqualTo("bad-length");
            assertThat(dead.get("nan-pixel").getReason()).isEqualTo("not-finite");
            assertThat(dead.get("garbage").getSourceTopic()).isEqualTo(TOPICS.traffic());
            assertThat(dead.get("garbage").getValue().array()).containsExactly(1, 2, 3, 4, 5);

            // and the service is still running, with its meters up to date
            assertThat(service.isRunning()).isTrue();
            assertThat(service.labelsProduced()).isEqualTo(150);
            assertThat(registry.get(TeacherMetrics.LABELS).counter().count()).isEqualTo(150);
            assertThat(registry.get(TeacherMetrics.BATCH_SIZE).summary().totalAmount()).isEqualTo(150);
            // and every stage of the pipeline was timed, on both threads
            for (TeacherMetrics.Stage stage : TeacherMetrics.Stage.values()) {
                assertThat(registry.get(TeacherMetrics.STAGE).tag("stage", stage.tag()).timer().count()).as(stage.tag()).isPositive();
            }
            assertThat(registry.get("kd.dead.letters").tag("service", TeacherMetrics.SERVICE).tag("reason", TaskContract.MISMATCH)
                    .counter().count()).isEqualTo(2);
            Eventually.await("consumer lag back to 0", TIMEOUT,
                    () -> registry.get("kd.consumer.lag").tag("service", TeacherMetrics.SERVICE).gauge().value(), lag -> lag == 0);
        }
    }

    @Test
    void shouldLabelColourTrafficOfItsTaskAndDeadLetterOtherShapesAsContractMismatch() {
        // given the 3x32x32 colour TorchScript teacher serving its own task (4 classes)
        Topics topics = new Topics("colour-traffic", "colour-labels", "colour-checkpoints", "colour-predictions",
                "colour-truth", "colour-dead");
        kafka.createTopics(topics.definitions(1, (short) 1));
        Path colour = TestTeachers.colourTorchScript();
        TeacherConfig config = new TeacherConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(), "device", "cpu",
                "teacher.torchscript.path", colour.toString(), "task", Teachers.sidecarOf(colour).toString(),
                "group.id", "colour-teachers", "topic.traffic", topics.traffic(), "topic.soft.labels", topics.softLabels(),
                "topic.dead.letters", topics.deadLetters(), "commit.interval.ms", "50"));
        byte[][] images = TestTeachers.colourImages(12, 3);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TeacherService service = new TeacherService(config, registry)) {
            service.start();

            // when colour images arrive mixed with Fashion-MNIST images and flat vectors of the same size
            List<ProducerRecord<byte[], byte[]>> traffic = new ArrayList<>();
            for (int i = 0; i < images.length; i++) {
                traffic.add(event(topics.traffic(), "colour-" + i, Tensors.uint8(images[i], 3, 32, 32)));
            }
            traffic.addAll(TestTraffic.events(topics.traffic(), "fashion", FashionSlices.test(2), 0, 2));
            traffic.add(event(topics.traffic(), "flat", Tensors.uint8(images[0], 3 * 32 * 32)));
            TestTraffic.send(kafka.bootstrapServers(), traffic);

            // then every colour image gets a 4-class label that keeps its tensor as it came
            List<ConsumerRecord<byte[], byte[]>> labels = TestTraffic.readCommitted(kafka.bootstrapServers(), topics.softLabels(), 12, TIMEOUT);
            assertThat(labels).hasSize(12).allSatisfy(record -> {
                SoftLabel label = Codecs.SOFT_LABEL.decode(record.value());
                assertThat(label.getClassCount()).isEqualTo(4);
                assertThat(label.getInput().getShape()).containsExactly(3, 32, 32);
                assertThat(label.getTeacherId()).isEqualTo("colour_teacher");
            });
            // and the other shapes are contract mismatches naming expected and found, and the service keeps running
            Map<String, DeadLetter> dead = TestTraffic.readCommitted(kafka.bootstrapServers(), topics.deadLetters(), 3, TIMEOUT).stream()
                    .map(record -> Codecs.DEAD_LETTER.decode(record.value()))
                    .collect(Collectors.toMap(letter -> new String(letter.getKey().array()), Function.identity()));
            assertThat(dead).containsOnlyKeys("fashion-0", "fashion-1", "flat");
            assertThat(dead.values()).extracting(DeadLetter::getReason).containsOnly(TaskContract.MISMATCH);
            assertThat(dead.get("fashion-0").getDetail()).contains("task colour-4 expects uint8 [3, 32, 32] but found uint8 [1, 28, 28]");
            assertThat(dead.get("flat").getDetail()).contains("but found uint8 [3072]");
            assertThat(service.isRunning()).isTrue();
            assertThat(registry.get("kd.dead.letters").tag("reason", TaskContract.MISMATCH).counter().count()).isEqualTo(3);
        }
    }

    @Test
    void shouldRefuseAtStartATeacherMadeForAnotherTask() {
        TeacherConfig config = new TeacherConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(), "device", "cpu",
                "teacher.dir", teacherDir.toString(), "task", "tabular-rbf"));

        try (TeacherService service = new TeacherService(config, new SimpleMeterRegistry())) {
            assertThatThrownBy(service::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("teacher " + manifest.id() + " v" + manifest.version() + " was made for task fashion-mnist")
                    .hasMessageContaining("configured (setting 'task') for task tabular-rbf");
            assertThat(service.isRunning()).isFalse();
        }
    }

    private static ProducerRecord<byte[], byte[]> event(String requestId, Tensor input) {
        return event(TOPICS.traffic(), requestId, input);
    }

    private static ProducerRecord<byte[], byte[]> event(String topic, String requestId, Tensor input) {
        TrafficEvent event = new TrafficEvent(requestId, Instant.now(), input, null, TrafficSource.SHADOW, null);
        return TestTraffic.record(topic, requestId, Codecs.TRAFFIC_EVENT.encode(event));
    }

    @Test
    void shouldPublishTopKLabelsOfAWeightedEnsembleOfATrainedAndATorchScriptTeacher() {
        // given an ensemble of the trained teacher (weight 3) and the TorchScript fixture (weight 1), top-3 output
        Topics topics = new Topics("ens-traffic", "ens-labels", "ens-checkpoints", "ens-predictions", "ens-truth", "ens-dead");
        kafka.createTopics(topics.definitions(1, (short) 1));
        Path torchScript = TestTeachers.torchScript();
        TeacherConfig config = new TeacherConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(), "device", "cpu",
                "ensemble.members", teacherDir + "," + torchScript, "ensemble.weights", "3,1", "output.top.k", "3",
                "group.id", "ens-teachers", "topic.traffic", topics.traffic(), "topic.soft.labels", topics.softLabels(),
                "topic.dead.letters", topics.deadLetters()));
        LabeledImages images = FashionSlices.test(20);
        float[] expected;
        try (Teacher trained = Teachers.fromStore(new TeacherStore(teacherDir), Device.cpu());
             Teacher scripted = Teachers.fromTorchScript(torchScript, "tiny_teacher", BuiltInTasks.FASHION_MNIST, new long[]{1, 28, 28}, Device.cpu())) {
            float[] inputs = new float[784];
            images.writeUnitFloats(5, inputs, 0);
            float[] a = trained.probabilities(inputs, 1, 4f);
            float[] b = scripted.probabilities(inputs, 1, 4f);
            expected = new float[10];
            for (int c = 0; c < 10; c++) {
                expected[c] = 0.75f * a[c] + 0.25f * b[c];
            }
        }

        // when traffic is labelled by the ensemble
        try (TeacherService service = new TeacherService(config, new SimpleMeterRegistry())) {
            service.start();
            TestTraffic.send(kafka.bootstrapServers(), TestTraffic.events(topics.traffic(), "ens", images, 0, 20));
            List<ConsumerRecord<byte[], byte[]>> labels = TestTraffic.readCommitted(kafka.bootstrapServers(), topics.softLabels(), 20, TIMEOUT);

            // then every label is sparse, names both members with their normalised weights, and holds the weighted mean
            assertThat(labels).hasSize(20);
            Map<String, SoftLabel> byId = labels.stream().collect(Collectors.toMap(TestTraffic::key,
                    record -> Codecs.SOFT_LABEL.decode(record.value())));
            for (SoftLabel label : byId.values()) {
                SparseProbabilities sparse = (SparseProbabilities) label.getProbabilities();
                assertThat(sparse.getIndices()).hasSize(3).doesNotHaveDuplicates();
                double listed = sparse.getValues().stream().mapToDouble(Float::doubleValue).sum();
                assertThat(listed + sparse.getTailMass()).isCloseTo(1.0, within(1e-4));
                assertThat(label.getTeacherId()).isEqualTo("ensemble");
                assertThat(label.getEnsemble()).extracting(TeacherContribution::getTeacherId, TeacherContribution::getWeight)
                        .containsExactly(tuple(manifest.id(), 0.75f), tuple("tiny_teacher", 0.25f));
            }
            SparseProbabilities fifth = (SparseProbabilities) byId.get("ens-5").getProbabilities();
            for (int k = 0; k < 3; k++) {
                assertThat(fifth.getValues().get(k)).isCloseTo(expected[fifth.getIndices().get(k)], within(1e-5f));
            }
            assertThat(SoftTargets.read(byId.get("ens-5"), 10, 4f)).hasSize(10);
        }
    }
}

package io.kdstream.teacher.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.Tensor;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.teacher.TeacherMetrics;
import io.kdstream.teacher.TestTeachers;
import io.kdstream.teacher.TestTraffic;
import io.kdstream.teacher.labels.BatchLabeller;
import io.kdstream.teacher.labels.SoftLabeller;
import io.kdstream.teacher.traffic.TrafficDecoder;
import io.kdstream.teacher.traffic.TrafficRecord;
import io.kdstream.teacher.training.TeacherTraining;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture is made by src/test/resources/torchscript/make_tiny_teacher.py; its logits are known in closed form. */
class TorchScriptTeacherTest {

    private static final long[] IMAGE = {1, 28, 28};
    private static final TaskContract FASHION = BuiltInTasks.FASHION_MNIST;

    @TempDir
    Path dir;

    @Test
    void shouldLoadATorchScriptTeacherAndComputeItsLogits() throws IOException {
        Path file = TestTeachers.torchScript();
        LabeledImages images = FashionSlices.test(3);
        float[] inputs = new float[3 * 784];
        for (int i = 0; i < 3; i++) {
            images.writeUnitFloats(i, inputs, i * 784);
        }

        try (Teacher teacher = Teachers.fromTorchScript(file, "tiny", FASHION, IMAGE, Device.cpu())) {
            float[] logits = teacher.logits(inputs, 3);

            assertThat(teacher.id()).isEqualTo("tiny");
            assertThat(teacher.version()).isEqualTo(WeightsCodec.sha256(Files.readAllBytes(file)).substring(0, 12));
            assertThat(teacher.inputSize()).isEqualTo(784);
            assertThat(teacher.classes()).isEqualTo(10);
            assertThat(logits).containsExactly(expectedLogits(inputs, 3), within(1e-4f));
            float[] p = teacher.probabilities(inputs, 3, 4f);
            for (int i = 0; i < 3; i++) {
                double sum = 0;
                for (int c = 0; c < 10; c++) {
                    sum += p[i * 10 + c];
                }
                assertThat(sum).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void shouldLabelTrafficWithATorchScriptTeacher() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LabeledImages images = FashionSlices.test(4);
        TrafficDecoder decoder = new TrafficDecoder(FASHION);
        List<ProducerRecord<byte[], byte[]>> events = TestTraffic.events("traffic", "ts", images, 0, 4);
        List<TrafficRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            batch.add(decoder.decode(new ConsumerRecord<>("traffic", 0, i, events.get(i).key(), events.get(i).value())));
        }

        try (Teacher teacher = Teachers.fromTorchScript(TestTeachers.torchScript(), "tiny", FASHION, IMAGE, Device.cpu())) {
            BatchLabeller labeller = new BatchLabeller(teacher, new SoftLabeller(teacher.id(), teacher.version(), List.of(), 4f, 10, 0),
                    4f, "labels", new DeadLetters(TeacherMetrics.SERVICE, "dead", registry), new TeacherMetrics(registry, "tiny"));

            BatchLabeller.Output output = labeller.label(batch);

            assertThat(output.labels()).isEqualTo(4);
            SoftLabel label = Codecs.SOFT_LABEL.decode(output.records().get(2).value());
            float[] inputs = new float[784];
            images.writeUnitFloats(2, inputs, 0);
            float[] expected = softmax(expectedLogits(inputs, 1), 4f);
            List<Float> values = ((DenseProbabilities) label.getProbabilities()).getValues();
            for (int c = 0; c < 10; c++) {
                assertThat(values.get(c)).isCloseTo(expected[c], within(1e-5f));
            }
            assertThat(label.getTeacherId()).isEqualTo("tiny");
        }
    }

    @Test
    void shouldSayWhichFileIsNotTorchScript() throws IOException {
        Path notAModel = Files.write(dir.resolve("broken.pt"), new byte[]{1, 2, 3});

        assertThatThrownBy(() -> Teachers.fromTorchScript(notAModel, "broken", FASHION, IMAGE, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load " + notAModel + " as a TorchScript model");
        assertThatThrownBy(() -> Teachers.fromTorchScript(dir.resolve("missing.pt"), "missing", FASHION, IMAGE, Device.cpu()))
                .hasMessageContaining("missing.pt is not a readable file");
    }

    @Test
    void shouldLabelColourTrafficWithTheColourTeacherOfItsSidecarTask() {
        // given the 3x32x32 colour fixture, whose sidecar declares its task, and the service configured for that task
        Path file = TestTeachers.colourTorchScript();
        TaskContract colour = Teachers.declaredTask(file).orElseThrow();
        TeacherConfig config = new TeacherConfig(Map.of("teacher.torchscript.path", file.toString(),
                "task", Teachers.sidecarOf(file).toString()));
        byte[][] images = TestTeachers.colourImages(3, 5);
        TrafficDecoder decoder = new TrafficDecoder(config.task());
        List<TrafficRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            batch.add(decode(decoder, i, Tensors.uint8(images[i], 3, 32, 32)));
        }
        batch.add(decode(decoder, 3, Tensors.uint8(new byte[784], 1, 28, 28)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (Teacher teacher = Teachers.load(config, Device.cpu())) {
            Teachers.requireTask(teacher, config.task());
            BatchLabeller labeller = new BatchLabeller(teacher, new SoftLabeller(teacher.id(), teacher.version(), List.of(), 1f,
                    teacher.classes(), 0), 1f, "labels", new DeadLetters(TeacherMetrics.SERVICE, "dead", registry),
                    new TeacherMetrics(registry, teacher.id()));

            // when the colour images and a Fashion-MNIST image are labelled
            BatchLabeller.Output output = labeller.label(batch);

            // then the colour images get the closed-form probabilities over 4 classes, with their tensor as it came
            assertThat(colour.name()).isEqualTo("colour-4");
            assertThat(teacher.task()).isEqualTo(colour);
            assertThat(teacher.classes()).isEqualTo(4);
            assertThat(output.labels()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                SoftLabel label = Codecs.SOFT_LABEL.decode(output.records().get(i).value());
                float[] expected = softmax(expectedColourLogits(colour.toModelInput(label.getInput())), 1f);
                assertThat(((DenseProbabilities) label.getProbabilities()).getValues()).hasSize(4)
                        .satisfies(values -> {
                            for (int c = 0; c < 4; c++) {
                                assertThat(values.get(c)).isCloseTo(expected[c], within(1e-5f));
                            }
                        });
                assertThat(label.getInput().getShape()).containsExactly(3, 32, 32);
                assertThat(Tensors.uint8Bytes(label.getInput())).containsExactly(images[i]);
            }
            // and the greyscale image is a contract mismatch naming both shapes
            DeadLetter dead = Codecs.DEAD_LETTER.decode(output.records().get(3).value());
            assertThat(dead.getReason()).isEqualTo(TaskContract.MISMATCH);
            assertThat(dead.getDetail()).contains("task colour-4 expects uint8 [3, 32, 32] but found uint8 [1, 28, 28]");
        }
    }

    @Test
    void shouldRefuseATeacherOfAnotherTaskNamingBoth() {
        TeacherConfig config = new TeacherConfig(Map.of("teacher.torchscript.path", TestTeachers.colourTorchScript().toString()));

        try (Teacher teacher = Teachers.load(config, Device.cpu())) {
            assertThatThrownBy(() -> Teachers.requireTask(teacher, config.task()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("was made for task colour-4: uint8 [3, 32, 32]")
                    .hasMessageContaining("configured (setting 'task') for task fashion-mnist: uint8 [1, 28, 28]");
        }
    }

    @Test
    void shouldDescribeATorchScriptTeacherAsATrainedOneIsDescribed() throws IOException {
        // given the colour fixture and 40 test images labelled with its closed-form top class, every tenth one wrongly
        Path file = TestTeachers.colourTorchScript();
        TaskContract colour = Teachers.declaredTask(file).orElseThrow();
        byte[][] images = TestTeachers.colourImages(40, 9);
        float[] values = new float[images.length * colour.inputSize()];
        int[] labels = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            float[] input = colour.toModelInput(Tensors.uint8(images[i], 3, 32, 32));
            System.arraycopy(input, 0, values, i * input.length, input.length);
            int top = argmax(expectedColourLogits(input));
            labels[i] = i % 10 == 0 ? (top + 1) % 4 : top;
        }

        // when it is described for a report
        TeacherManifest manifest = TeacherTraining.describeTorchScript(file, colour, new LabeledVectors(colour, values, labels), Device.cpu());

        // then it reads as a trained teacher's manifest: its name, version, task, size and accuracy on those images
        String sha256 = WeightsCodec.sha256(Files.readAllBytes(file));
        assertThat(manifest.id()).isEqualTo("colour_teacher");
        assertThat(manifest.version()).isEqualTo(TeacherManifest.versionOf(sha256));
        assertThat(manifest.sha256()).isEqualTo(sha256);
        assertThat(manifest.architecture()).isEqualTo("torchscript");
        assertThat(manifest.task()).isEqualTo(colour);
        assertThat(manifest.parameters()).as("one linear layer, 3072 x 4 + 4").isEqualTo(3072 * 4 + 4);
        assertThat(manifest.testAccuracy()).isEqualTo(0.9);
        assertThat(manifest.latencyMs()).isPositive();
    }

    @Test
    void shouldRefuseToDescribeATorchScriptTeacherForAnotherTaskThanItsSidecarDeclares() {
        assertThatThrownBy(() -> TeacherTraining.describeTorchScript(TestTeachers.colourTorchScript(), FASHION,
                FashionSlices.test(10), Device.cpu()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was made for task colour-4")
                .hasMessageContaining("for task fashion-mnist");
    }

    private static int argmax(float[] values) {
        int top = 0;
        for (int i = 1; i < values.length; i++) {
            top = values[i] > values[top] ? i : top;
        }
        return top;
    }

    private static TrafficRecord decode(TrafficDecoder decoder, int offset, Tensor input) {
        TrafficEvent event = new TrafficEvent("c-" + offset, Instant.now(), input, null, TrafficSource.SHADOW, null);
        return decoder.decode(new ConsumerRecord<>("traffic", 0, offset, ("c-" + offset).getBytes(StandardCharsets.UTF_8),
                Codecs.TRAFFIC_EVENT.encode(event)));
    }

    /** As make_colour_teacher.py sets the weights; see its docstring. */
    static float[] expectedColourLogits(float[] input) {
        float[] logits = new float[4];
        for (int c = 0; c < 4; c++) {
            double sum = 0.1 * c;
            for (int i = 0; i < input.length; i++) {
                double weight = (c + 1) * ((i % 5) - 2) / 3072.0 + (i / 1024 == c % 3 ? 1 / 1024.0 : 0);
                sum += input[i] * weight;
            }
            logits[c] = (float) sum;
        }
        return logits;
    }

    /** logit[c] = sum_i x[i] * (c + 1) * ((i % 7) - 3) / 784 + 0.1 * c, as make_tiny_teacher.py sets the weights. */
    static float[] expectedLogits(float[] inputs, int batch) {
        float[] logits = new float[batch * 10];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < 10; c++) {
                double sum = 0.1 * c;
                for (int i = 0; i < 784; i++) {
                    sum += inputs[b * 784 + i] * (c + 1) * ((i % 7) - 3) / 784.0;
                }
                logits[b * 10 + c] = (float) sum;
            }
        }
        return logits;
    }

    private static float[] softmax(float[] logits, float temperature) {
        return EnsembleTeacher.softmax(logits, logits.length, temperature);
    }
}

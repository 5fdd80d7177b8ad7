package io.kdstream.teacher.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherMetrics;
import io.kdstream.teacher.TestTeachers;
import io.kdstream.teacher.TestTraffic;
import io.kdstream.teacher.labels.BatchLabeller;
import io.kdstream.teacher.labels.SoftLabeller;
import io.kdstream.teacher.traffic.TrafficDecoder;
import io.kdstream.teacher.traffic.TrafficRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture is made by src/test/resources/torchscript/make_tiny_teacher.py; its logits are known in closed form. */
class TorchScriptTeacherTest {

    private static final long[] IMAGE = {1, 28, 28};

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

        try (Teacher teacher = Teachers.fromTorchScript(file, "tiny", IMAGE, 10, Device.cpu())) {
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
        TrafficDecoder decoder = new TrafficDecoder(784);
        List<ProducerRecord<byte[], byte[]>> events = TestTraffic.events("traffic", "ts", images, 0, 4);
        List<TrafficRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            batch.add(decoder.decode(new ConsumerRecord<>("traffic", 0, i, events.get(i).key(), events.get(i).value())));
        }

        try (Teacher teacher = Teachers.fromTorchScript(TestTeachers.torchScript(), "tiny", IMAGE, 10, Device.cpu())) {
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

        assertThatThrownBy(() -> Teachers.fromTorchScript(notAModel, "broken", IMAGE, 10, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load " + notAModel + " as a TorchScript model");
        assertThatThrownBy(() -> Teachers.fromTorchScript(dir.resolve("missing.pt"), "missing", IMAGE, 10, Device.cpu()))
                .hasMessageContaining("missing.pt is not a readable file");
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

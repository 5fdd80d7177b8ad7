package io.kdstream.teacher.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.Tensor;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherMetrics;
import io.kdstream.teacher.model.FakeTeacher;
import io.kdstream.teacher.traffic.TrafficDecoder;
import io.kdstream.teacher.traffic.TrafficRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class BatchLabellerTest {

    private static final int PIXELS = 4;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TeacherMetrics metrics = new TeacherMetrics(registry, "fake");
    private final TaskContract task = FakeTeacher.task(List.of(1, 2, 2), 2);
    private final TrafficDecoder decoder = new TrafficDecoder(task);
    private final List<ConsumerRecord<byte[], byte[]>> traffic = new ArrayList<>();

    /** Logits [x0, 0]: the first pixel decides; a pixel of 255 (1.0 after scaling) stands for a NaN output. */
    private final FakeTeacher teacher = new FakeTeacher("fake", task, (inputs, batch) -> {
        float[] logits = new float[batch * 2];
        for (int i = 0; i < batch; i++) {
            float first = inputs[i * PIXELS];
            logits[i * 2] = first == 1f ? Float.NaN : first * 10;
        }
        return logits;
    });

    @Test
    void shouldLabelValidExamplesAndDeadLetterEverythingElseInOrder() {
        // given a batch of two good images (bytes and floats), garbage bytes, a wrong shape, a wrong dtype and an image
        // the teacher chokes on
        List<TrafficRecord> batch = List.of(
                decoder.decode(record("r-0", event("r-0", Tensors.uint8(new byte[]{0, 0, 0, 0}, 1, 2, 2)))),
                decoder.decode(record("junk", "not avro".getBytes(StandardCharsets.UTF_8))),
                decoder.decode(record("r-1", event("r-1", Tensors.float32(new float[]{0.5f, 0, 0, 0}, 2, 2)))),
                decoder.decode(record("r-2", event("r-2", Tensors.uint8(new byte[9], 3, 3)))),
                decoder.decode(record("r-3", event("r-3", new Tensor(DType.INT64, List.of(4), java.nio.ByteBuffer.wrap(new byte[32]))))),
                decoder.decode(record("r-4", event("r-4", Tensors.uint8(new byte[]{(byte) 255, 0, 0, 0}, 1, 2, 2)))));
        BatchLabeller labeller = new BatchLabeller(teacher, new SoftLabeller("fake", "fake-v1", List.of(), 2f, 2, 0), 2f,
                "labels", new DeadLetters("teacher-service", "dead", registry), metrics);

        // when it is labelled
        BatchLabeller.Output output = labeller.label(batch);

        // then soft labels and dead letters come out in the batch's order
        assertThat(output.labels()).isEqualTo(2);
        assertThat(output.records()).extracting(ProducerRecord::topic).containsExactly("labels", "dead", "labels", "dead", "dead", "dead");
        SoftLabel first = Codecs.SOFT_LABEL.decode(output.records().get(0).value());
        SoftLabel second = Codecs.SOFT_LABEL.decode(output.records().get(2).value());
        assertThat(new String(output.records().get(2).key(), StandardCharsets.UTF_8)).isEqualTo("r-1");
        assertThat(((DenseProbabilities) first.getProbabilities()).getValues()).containsExactly(0.5f, 0.5f);
        // logits [5, 0] at T = 2: softmax([2.5, 0])
        float expected = (float) (1 / (1 + Math.exp(-2.5)));
        assertThat(((DenseProbabilities) second.getProbabilities()).getValues().get(0)).isCloseTo(expected, within(1e-6f));
        assertThat(second.getTemperature()).isEqualTo(2f);
        assertThat(output.records().stream().filter(r -> r.topic().equals("dead"))
                .map(r -> Codecs.DEAD_LETTER.decode(r.value())).map(DeadLetter::getReason))
                .containsExactly("undecodable", TaskContract.MISMATCH, TaskContract.MISMATCH, BatchLabeller.NONFINITE_OUTPUT);
        // and the meters saw one teacher call of three examples and one non-finite output
        assertThat(registry.get(TeacherMetrics.BATCH_SIZE).summary().totalAmount()).isEqualTo(3);
        assertThat(registry.get(TeacherMetrics.INFERENCE).timer().count()).isEqualTo(1);
        assertThat(registry.get(TeacherMetrics.NONFINITE).counter().count()).isEqualTo(1);
        assertThat(registry.get("kd.dead.letters").tag("reason", "undecodable").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldTimeAssemblyForwardAndEncodingAsStagesOfTheirOwn() {
        // given a teacher that takes 30 ms per call
        FakeTeacher slow = new FakeTeacher("slow", task, (inputs, batch) -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new float[batch * 2];
        });
        BatchLabeller labeller = new BatchLabeller(slow, new SoftLabeller("slow", "v1", List.of(), 2f, 2, 0), 2f,
                "labels", new DeadLetters("teacher-service", "dead", registry), metrics);

        // when a batch of two is labelled
        labeller.label(List.of(
                decoder.decode(record("r-0", event("r-0", Tensors.uint8(new byte[4], 1, 2, 2)))),
                decoder.decode(record("r-1", event("r-1", Tensors.uint8(new byte[4], 1, 2, 2))))));

        // then the forward stage holds the teacher's 30 ms, and assembly and encoding were timed once each, apart from it
        assertThat(stage(TeacherMetrics.Stage.FORWARD).totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(30);
        assertThat(stage(TeacherMetrics.Stage.ASSEMBLE).count()).isEqualTo(1);
        assertThat(stage(TeacherMetrics.Stage.ENCODE).count()).isEqualTo(1);
        assertThat(stage(TeacherMetrics.Stage.ENCODE).totalTime(TimeUnit.MILLISECONDS)).isLessThan(30);
        assertThat(stage(TeacherMetrics.Stage.ASSEMBLE).totalTime(TimeUnit.MILLISECONDS)).isLessThan(30);
    }

    private io.micrometer.core.instrument.Timer stage(TeacherMetrics.Stage stage) {
        return registry.get(TeacherMetrics.STAGE).tag("stage", stage.tag()).timer();
    }

    @Test
    void shouldNotCallTheTeacherForABatchWithoutValidExamples() {
        BatchLabeller labeller = new BatchLabeller(teacher, new SoftLabeller("fake", "fake-v1", List.of(), 2f, 2, 0), 2f,
                "labels", new DeadLetters("teacher-service", "dead", registry), metrics);

        BatchLabeller.Output output = labeller.label(List.of(decoder.decode(record("junk", new byte[]{1, 2}))));

        assertThat(output.labels()).isZero();
        assertThat(output.records()).hasSize(1);
        assertThat(registry.get(TeacherMetrics.INFERENCE).timer().count()).isZero();
    }

    @Test
    void shouldDeadLetterAnArrayBombAndASoftLabelTooLargeToSendInsteadOfFailingTheBatch() {
        // given an 18-byte event whose shape claims 2,147,483,639 items, and an event with a 900,000-character id
        byte[] header = java.util.Arrays.copyOf(event("r", Tensors.uint8(new byte[4], 4)), 10);
        byte[] bomb = java.util.Arrays.copyOf(header, 18);
        System.arraycopy(new byte[]{0, 0, 0, (byte) 0xEE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, 0, bomb, 10, 8);
        String hugeId = "x".repeat(900_000);
        List<TrafficRecord> batch = List.of(
                decoder.decodeOrReject(record("bomb", bomb)),
                decoder.decodeOrReject(record("huge", event(hugeId, Tensors.uint8(new byte[4], 1, 2, 2)))),
                decoder.decodeOrReject(record("r-0", event("r-0", Tensors.uint8(new byte[4], 1, 2, 2)))));
        DeadLetters deadLetters = new DeadLetters("teacher-service", "dead", registry);
        BatchLabeller labeller = new BatchLabeller(teacher, new SoftLabeller("fake", "fake-v1", List.of(), 2f, 2, 0), 2f,
                "labels", deadLetters, metrics);

        // when
        BatchLabeller.Output output = labeller.label(batch);

        // then both are dead letters that fit, and the good example is labelled
        assertThat(output.labels()).isEqualTo(1);
        assertThat(output.records()).extracting(ProducerRecord::topic).containsExactly("dead", "dead", "labels");
        assertThat(output.records()).allMatch(r -> r.key().length + r.value().length <= deadLetters.maxPayloadBytes());
        assertThat(output.records().subList(0, 2)).extracting(r -> Codecs.DEAD_LETTER.decode(r.value()).getReason())
                .containsExactly("undecodable", BatchLabeller.TOO_LARGE);
    }

    private static byte[] event(String requestId, Tensor input) {
        return Codecs.TRAFFIC_EVENT.encode(new TrafficEvent(requestId, Instant.ofEpochMilli(1), input, null, TrafficSource.SHADOW, null));
    }

    private ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("traffic", 0, traffic.size(),
                key.getBytes(StandardCharsets.UTF_8), value);
        traffic.add(record);
        return record;
    }
}

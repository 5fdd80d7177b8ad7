package io.kdstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.app.demo.Pipeline;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.app.testing.ColourImages;
import io.kdstream.client.GatewayClient;
import io.kdstream.client.GatewayException;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.TopicRecords;
import io.kdstream.gateway.GatewayConfig;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.trainer.TrainerConfig;
import org.junit.jupiter.api.Test;

/**
 * A student distilled from the 3×32×32 colour TorchScript teacher, served: the fixture (4 classes, task
 * {@code colour-4} from its sidecar file) labels generated colour images on a real in-process broker, the trainer
 * distils the task's default student {@code mlp:3072-96-4} from its labels, and the gateway serves that student to
 * clients that send nested 3×32×32 images, flat ones, or Open Inference Protocol tensors.
 */
class ColourTaskIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRAFFIC = 2000;

    @Test
    void shouldServeAStudentDistilledFromTheColourTorchScriptTeacher() throws Exception {
        // given the colour task declared once, from the fixture's sidecar, for every service
        TaskContract task = ColourImages.task();
        assertThat(task.shape()).containsExactly(3, 32, 32);
        Map<String, Object> declared = Map.of(TaskSetting.KEY, ColourImages.TASK_FILE.toAbsolutePath().toString());
        Pipeline.Settings settings = new Pipeline.Settings(2,
                with(declared, Map.of(TeacherConfig.TEACHER_TORCHSCRIPT_PATH, ColourImages.TEACHER.toAbsolutePath().toString(),
                        TeacherConfig.DEVICE, "cpu")),
                with(declared, Map.of(TrainerConfig.CHECKPOINT_INTERVAL_MS, 1000)),
                // (a gate well above chance, 0.25, so the student asked below has learned; it reaches 1.0 within seconds)
                with(declared, Map.of(GatewayConfig.HTTP_PORT, 0, GatewayConfig.GATE_MIN_AGREEMENT, 0.8)),
                declared);
        Instant testStart = Instant.now();
        try (Pipeline pipeline = Pipeline.start(settings)) {
            // when generated colour images flow onto kd-traffic, and the gateway serves a first student
            replay(pipeline, ColourImages.sample(TRAFFIC, 1));
            long first = Eventually.await("the gateway to serve a first student", Duration.ofSeconds(150),
                    () -> pipeline.gateway().servedVersion(), version -> version >= 1);

            // then the teacher labelled the images with the classes they were made for, keeping their 3x32x32 shape
            List<SoftLabel> labels = decodeAll(pipeline, Topics.DEFAULT.softLabels(), Codecs.SOFT_LABEL::decode);
            assertThat(labels).isNotEmpty().allSatisfy(label -> {
                assertThat(label.getClassCount()).isEqualTo(4);
                assertThat(label.getInput().getShape()).containsExactly(3, 32, 32);
                assertThat(label.getLabelledTime()).isAfterOrEqualTo(testStart);
            });
            long agreeing = labels.stream()
                    .filter(label -> argmax(SoftTargets.read(label, 4, label.getTemperature())) == label.getTrueLabel()).count();
            assertThat((double) agreeing / labels.size()).as("teacher's top class = the generator's class").isGreaterThan(0.95);

            // and the gateway serves the task's default student, distilled from those labels
            GatewayClient gateway = new GatewayClient(pipeline.gatewayUrl());
            GatewayClient.ServedModel model = gateway.model();
            assertThat(model.version()).isGreaterThanOrEqualTo(first);
            assertThat(model.architecture()).isEqualTo(Architecture.studentFor(task).spec()).isEqualTo("mlp:3072-96-4");
            assertThat(model.task()).isEqualTo("colour-4");
            assertThat(model.inputShape()).containsExactly(3, 32, 32);
            assertThat(model.details().path("samplesSeen").asLong()).isPositive();

            // and answers a nested 3x32x32 image and the same image flat alike, naming the class
            LabeledVectors asked = ColourImages.sample(20, 3);
            int right = 0;
            for (int i = 0; i < asked.count(); i++) {
                float[] image = asked.input(i);
                JsonNode nested = gateway.post("v1/predict", JSON.createObjectNode().put("requestId", "nested-" + i).set("input", nested(image)));
                GatewayClient.Prediction flat = gateway.predict("flat-" + i, image);
                assertThat(nested.path("probabilities")).hasSize(4);
                assertThat(nested.path("topClassName").asText()).isEqualTo(task.classNames().get(nested.path("topClass").asInt()));
                assertThat(flat.topClass()).isEqualTo(nested.path("topClass").asInt());
                assertThat(flat.topClassName()).isEqualTo(task.classNames().get(flat.topClass()));
                right += flat.topClass() == asked.label(i) ? 1 : 0;
            }
            // (chance is a quarter; the teacher itself gets about all of them)
            assertThat(right).as("student answers of the generator's class, of %d", asked.count()).isGreaterThan(asked.count() / 2);

            // and speaks the Open Inference Protocol over the same contract
            JsonNode metadata = gateway.get("v2/models/student");
            assertThat(metadata.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,3,32,32]");
            JsonNode inferred = gateway.post("v2/models/student/infer", inferRequest(List.of(1, 3, 32, 32), nested(asked.input(0))));
            JsonNode classNames = output(inferred, "class_name");
            assertThat(classNames.path("shape").toString()).isEqualTo("[1]");
            assertThat(task.classNames()).contains(classNames.path("data").get(0).asText());

            // and a Fashion-MNIST-shaped image gets a 400 naming the expected shape, on both APIs
            float[] fashionSized = new float[28 * 28];
            GatewayException wrong = catchThrowableOfType(GatewayException.class, () -> gateway.predict("wrong", fashionSized));
            assertThat(wrong.status()).isEqualTo(400);
            assertThat(wrong.detail()).contains("[3, 32, 32]").contains("3072 values");
            GatewayException wrongNested = catchThrowableOfType(GatewayException.class,
                    () -> gateway.post("v1/predict", JSON.createObjectNode().set("input", JSON.valueToTree(new float[1][28][28]))));
            assertThat(wrongNested.status()).isEqualTo(400);
            assertThat(wrongNested.detail()).contains("[1, 28, 28]").contains("[3, 32, 32]");
            GatewayException wrongInfer = catchThrowableOfType(GatewayException.class,
                    () -> gateway.post("v2/models/student/infer", inferRequest(List.of(1, 1, 28, 28), JSON.valueToTree(fashionSized))));
            assertThat(wrongInfer.status()).isEqualTo(400);
            assertThat(wrongInfer.error()).contains("3, 32, 32");
            // and no stage refused anything of the task
            assertThat(decodeAll(pipeline, Topics.DEFAULT.deadLetters(), Codecs.DEAD_LETTER::decode)).isEmpty();
        }
    }

    /** An image as nested arrays [3][32][32], from its flat channel-height-width values. */
    private static ArrayNode nested(float[] image) {
        ArrayNode channels = JSON.createArrayNode();
        for (int c = 0; c < 3; c++) {
            ArrayNode rows = channels.addArray();
            for (int y = 0; y < 32; y++) {
                ArrayNode row = rows.addArray();
                for (int x = 0; x < 32; x++) {
                    row.add(image[(c * 32 + y) * 32 + x]);
                }
            }
        }
        return channels;
    }

    private static ObjectNode inferRequest(List<Integer> shape, JsonNode data) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode input = body.putArray("inputs").addObject().put("name", "input").put("datatype", "FP32");
        input.set("shape", JSON.valueToTree(shape));
        input.set("data", data);
        return body;
    }

    private static JsonNode output(JsonNode inferResponse, String name) {
        for (JsonNode output : inferResponse.path("outputs")) {
            if (output.path("name").asText().equals(name)) {
                return output;
            }
        }
        throw new AssertionError("no output " + name + " in " + inferResponse);
    }

    private static int argmax(float[] probabilities) {
        int top = 0;
        for (int i = 1; i < probabilities.length; i++) {
            top = probabilities[i] > probabilities[top] ? i : top;
        }
        return top;
    }

    private static Map<String, Object> with(Map<String, Object> settings, Map<String, Object> more) {
        Map<String, Object> merged = new HashMap<>(settings);
        merged.putAll(more);
        return merged;
    }

    /** The images onto kd-traffic with the classes they were made for, as fast as the broker takes them. */
    private static void replay(Pipeline pipeline, LabeledVectors images) throws InterruptedException {
        try (Replay replay = new Replay(new KafkaTrafficSink(Map.of("bootstrap.servers", pipeline.bootstrapServers()),
                Topics.DEFAULT.traffic(), "it-colour-replay"), images, 0, images.count(), Drift.NONE)) {
            replay.start();
            replay.awaitDone();
        }
    }

    private static <T> List<T> decodeAll(Pipeline pipeline, String topic, Function<byte[], T> decoder) {
        return TopicRecords.readAll(pipeline.bootstrapServers(), topic).stream().map(record -> decoder.apply(record.value())).toList();
    }
}

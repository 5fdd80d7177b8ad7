package io.kdstream.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ShadowClientIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shadowsInputsAndLaterLabelsOntoTheTopicsInTheirWireForm() {
        // given a client for a 16-feature task
        String traffic = "shadow-traffic";
        String truth = "shadow-truth";
        broker.createTopics(List.of(new NewTopic(traffic, 2, (short) 1), new NewTopic(truth, 2, (short) 1)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        // when a service shadows 40 inputs and then learns their labels
        try (ShadowClient client = ShadowClient.forFloat32(broker.bootstrapServers(), 16).trafficTopic(traffic)
                .groundTruthTopic(truth).meterRegistry(registry).build()) {
            for (int i = 0; i < 40; i++) {
                assertThat(client.input("req-" + i, features(i))).isTrue();
            }
            for (int i = 0; i < 40; i++) {
                assertThat(client.label("req-" + i, i % 5)).isTrue();
            }
        }

        // then the teacher's topic holds them as shadowed float32 tensors, and the labels follow under the same ids
        Map<String, TrafficEvent> events = new HashMap<>();
        read(traffic, 40).forEach(value -> {
            TrafficEvent event = Codecs.TRAFFIC_EVENT.decode(value);
            events.put(event.getRequestId(), event);
        });
        assertThat(events).hasSize(40);
        TrafficEvent seventh = events.get("req-7");
        assertThat(seventh.getSource()).isEqualTo(TrafficSource.SHADOW);
        assertThat(seventh.getShadowId()).as("the id the trainer's holdout slice is chosen by").isNotBlank().isNotEqualTo("req-7");
        assertThat(seventh.getInput().getDtype()).isEqualTo(DType.FLOAT32);
        assertThat(seventh.getInput().getShape()).containsExactly(16);
        assertThat(floats(seventh.getInput().getData())).containsExactly(features(7));
        Map<String, Integer> labels = new HashMap<>();
        read(truth, 40).forEach(value -> {
            GroundTruth label = Codecs.GROUND_TRUTH.decode(value);
            labels.put(label.getRequestId(), label.getLabel());
        });
        assertThat(labels).hasSize(40).containsEntry("req-7", 2);
        assertThat(count(registry, "input", "sent")).isEqualTo(40);
        assertThat(count(registry, "label", "sent")).isEqualTo(40);
    }

    @Test
    void refusesInputsOfAnotherSizeOrTypeWithoutThrowing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShadowClient client = ShadowClient.forUint8(broker.bootstrapServers(), 1, 28, 28).meterRegistry(registry).build()) {
            assertThat(client.input("short", new byte[783])).isFalse();
            assertThat(client.input("floats", new float[784])).isFalse();
            assertThat(client.input(null, new byte[784])).isFalse();
            assertThat(client.label("negative", -1)).isFalse();
        }
        assertThat(count(registry, "input", "invalid")).isEqualTo(3);
        assertThat(count(registry, "label", "invalid")).isEqualTo(1);
    }

    @Test
    void dropsAndCountsInsteadOfBlockingWhenKafkaIsAway() throws Exception {
        // given a client whose Kafka does not answer, with room for 10 records
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShadowClient client = ShadowClient.forFloat32("127.0.0.1:" + closedPort, 16).capacity(10).meterRegistry(registry)
                .kafka("max.block.ms", 500).build();

        // when the service goes on shadowing 1,000 requests
        int queued = 0;
        for (int i = 0; i < 1_000; i++) {
            queued += client.input("req-" + i, features(i)) ? 1 : 0;
        }

        // then every call returned, at most the queue and the one record in the sender's hands were taken, the rest counted
        assertThat(queued).isLessThanOrEqualTo(11);
        assertThat(count(registry, "input", "dropped")).isEqualTo(1_000 - queued);
        assertThat(client.queued()).isLessThanOrEqualTo(10);
        client.close();
        assertThat(count(registry, "input", "sent")).isZero();
        assertThat(count(registry, "input", "failed") + count(registry, "input", "dropped")).isEqualTo(1_000);
    }

    @Test
    void shadowsAShareChosenByRequestIdSoLabelsFollowTheirInputs() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> shadowed = new ArrayList<>();
        try (ShadowClient client = ShadowClient.forFloat32(broker.bootstrapServers(), 16).fraction(0.25).meterRegistry(registry).build()) {
            for (int i = 0; i < 2_000; i++) {
                if (client.input("req-" + i, features(i))) {
                    shadowed.add("req-" + i);
                }
                assertThat(client.label("req-" + i, 1)).isEqualTo(shadowed.contains("req-" + i));
            }
        }
        assertThat(shadowed.size()).isBetween(400, 600);
        assertThat(count(registry, "input", "skipped")).isEqualTo(2_000 - shadowed.size());
    }

    private static float[] features(int seed) {
        float[] values = new float[16];
        for (int j = 0; j < values.length; j++) {
            values[j] = seed * 0.5f - j;
        }
        return values;
    }

    private static float[] floats(ByteBuffer data) {
        float[] values = new float[data.remaining() / Float.BYTES];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static double count(SimpleMeterRegistry registry, String kind, String outcome) {
        return registry.get(ShadowClient.RECORDS).tag("kind", kind).tag("outcome", outcome).counter().count();
    }

    private static List<byte[]> read(String topic, int expected) {
        Properties settings = new Properties();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "read-" + topic);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}

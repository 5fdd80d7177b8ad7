package io.kdstream.monitor;

import static io.kdstream.monitor.testing.MonitorRecords.key;
import static io.kdstream.monitor.testing.MonitorRecords.prediction;
import static io.kdstream.monitor.testing.MonitorRecords.softLabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor service on a real broker: produced predictions and soft labels become gauges; a bad record a dead letter. */
class MonitorServiceIT {

    private static final int CLASSES = 10;
    private static final int REQUESTS = 40;
    private static final int DISAGREEING = 10;

    @TempDir
    Path stateDir;

    /**
     * 40 requests served by version 3; the teacher (T = 1) gives 0.5 to class c = i mod 10 and 0.5/9 to each other
     * class, and c is also the true label. The student copies the teacher for 30 requests (KL 0) and puts the 0.5 on
     * c + 1 for 10 (KL = 0.5·ln 9 + (0.5/9)·ln(1/9) = (4/9)·ln 9 = 0.976535). Agreement = accuracy = 30/40 = 0.75,
     * mean KL = 10/40 · (4/9)·ln 9 = 0.244134.
     */
    @Test
    void shouldTurnProducedPredictionsAndLabelsIntoGauges() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(Topics.DEFAULT.definitions(2, (short) 1));
            MeterRegistry registry = new SimpleMeterRegistry();
            MonitorConfig config = new MonitorConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "application.id", "monitor-it", "state.dir", stateDir.toString()));
            try (MonitorService monitor = new MonitorService(config, registry)) {
                monitor.start();
                produce(broker.bootstrapServers());

                Eventually.await("all predictions matched", Duration.ofSeconds(60), () -> monitor.snapshot().matched(),
                        matched -> matched == REQUESTS);
                MonitorSnapshot snapshot = Eventually.await("accuracy over all requests", Duration.ofSeconds(30),
                        monitor::snapshot, figures -> figures.accuracy() == 0.75);

                assertThat(snapshot.modelVersion()).isEqualTo(3);
                assertThat(snapshot.agreement()).isEqualTo(0.75);
                assertThat(snapshot.kl()).isCloseTo(0.25 * 4 / 9 * Math.log(9), within(1e-6));
                assertThat(gauge(registry, MonitorMetrics.AGREEMENT, "model_version", "3")).isEqualTo(0.75);
                assertThat(gauge(registry, MonitorMetrics.TEACHER_ENTROPY)).isGreaterThan(0);
                assertThat(registry.getMeters()).as("Kafka Streams client metrics bound")
                        .anyMatch(meter -> meter.getId().getName().startsWith("kafka.stream"));

                DeadLetter letter = Codecs.DEAD_LETTER.decode(firstDeadLetter(broker.bootstrapServers()).value());
                assertThat(letter.getSourceTopic()).isEqualTo(Topics.DEFAULT.softLabels());
                assertThat(letter.getReason()).isEqualTo("undecodable");
                assertThat(registry.get("kd.dead.letters").tag("service", "monitor").counter().count()).isEqualTo(1);
            }
        }
    }

    private static void produce(String bootstrapServers) throws InterruptedException, ExecutionException, TimeoutException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(
                Map.of("bootstrap.servers", bootstrapServers), "monitor-it"))) {
            producer.send(new ProducerRecord<>(Topics.DEFAULT.softLabels(), key("broken"), "??".getBytes(StandardCharsets.UTF_8)));
            for (int i = 0; i < REQUESTS; i++) {
                String id = "req-" + i;
                int teacherClass = i % CLASSES;
                int studentClass = i < DISAGREEING ? (teacherClass + 1) % CLASSES : teacherClass;
                Instant now = Instant.now();
                producer.send(new ProducerRecord<>(Topics.DEFAULT.predictions(), key(id), prediction(id, now, 3, peaked(studentClass))));
                producer.send(new ProducerRecord<>(Topics.DEFAULT.softLabels(), key(id), softLabel(id, now, 1f, teacherClass, peaked(teacherClass))));
            }
            producer.flush();
        }
    }

    /** 0.5 on {@code top}, 0.5/9 on each other class. */
    private static float[] peaked(int top) {
        float[] probabilities = new float[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            probabilities[c] = c == top ? 0.5f : 0.5f / (CLASSES - 1);
        }
        return probabilities;
    }

    private static ConsumerRecord<byte[], byte[]> firstDeadLetter(String bootstrapServers) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(
                Map.of("bootstrap.servers", bootstrapServers), "dead-letter-reader", "dead-letter-reader"))) {
            consumer.subscribe(List.of(Topics.DEFAULT.deadLetters()));
            List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
            Eventually.await("a dead letter", Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size();
            }, count -> count > 0);
            return seen.get(0);
        }
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        assertThat(gauge).as("gauge %s", name).isNotNull();
        return gauge.value();
    }
}

package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.HostileRecords;
import io.kdstream.gateway.testing.CheckpointPublisher;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.DeadLetter;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records built to hurt the gateway's two readers: on kd-checkpoints a chunk whose bytes claim 2 GiB and a 900,000-byte
 * undecodable key, whose dead letter must be truncated to be sent; on every partition of kd-soft-labels (the paired
 * gate's tail) array bombs and a label with a 900,000-character id. The gateway dead-letters or skips them, serves the
 * good checkpoint after them, keeps the good labels, and stays live.
 */
class HostileRecordsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Topics TOPICS = Topics.DEFAULT;
    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.startTemporary();
        kafka.createTopics(TOPICS.definitions(2, (short) 1));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldDeadLetterHostileCheckpointRecordsAndServeTheGoodOneAfterThem() {
        byte[] weights = TestCheckpoints.trainedWeights();
        try (Gateway gateway = new Gateway(config(false), CommonMetrics.prometheusRegistry());
             CheckpointPublisher publisher = new CheckpointPublisher(kafka.bootstrapServers(), TOPICS.checkpoints())) {
            gateway.start();

            // given a chunk bomb and a huge undecodable key, then a good checkpoint
            byte[] chunk = Codecs.CHECKPOINT_CHUNK.encode(new CheckpointChunk("", 0L, 0, ByteBuffer.wrap(new byte[1])));
            HostileRecords.send(kafka.bootstrapServers(), List.of(
                    new ProducerRecord<>(TOPICS.checkpoints(), Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.chunkKey("student", 9, 0)),
                            HostileRecords.arrayBomb(chunk, 3)),
                    new ProducerRecord<>(TOPICS.checkpoints(), HostileRecords.HUGE_ID.getBytes(StandardCharsets.UTF_8), new byte[]{1})));
            publisher.publish(TestCheckpoints.manifest("student", 1, weights, 0.8f, WeightsCodec.sha256(weights),
                    CheckpointPublisher.chunkCount(weights)), weights);

            // then it serves the good one, and the hostile ones are dead letters that fit
            Eventually.await("v1 served", PATIENCE, gateway::servedVersion, v -> v == 1);
            List<DeadLetter> dead = Eventually.await("two dead letters", PATIENCE, HostileRecordsIT::deadLetters, letters -> letters.size() == 2);
            assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrder("undecodable-chunk", "undecodable-key");
            assertThat(dead).filteredOn(letter -> letter.getReason().equals("undecodable-key"))
                    .singleElement().satisfies(letter -> {
                        assertThat(letter.getTruncated()).isTrue();
                        assertThat(letter.getOriginalKeyBytes()).isEqualTo(HostileRecords.HUGE_ID.length());
                    });
            assertThat(gateway.health().live()).isTrue();
        }
    }

    @Test
    void shouldSkipHostileSoftLabelsAndKeepTheGoodOnesOfEveryPartition() {
        PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
        try (Gateway gateway = new Gateway(config(true), registry)) {
            gateway.start();

            // given bombs and a huge-id label on both partitions, between good labels
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            byte[] bomb = HostileRecords.arrayBomb(Codecs.SOFT_LABEL.encode(label("", 0)), 4);
            for (int partition = 0; partition < 2; partition++) {
                records.add(record(partition, "good-a-" + partition, Codecs.SOFT_LABEL.encode(label("good-a-" + partition, 1))));
                records.add(record(partition, "bomb", bomb));
                records.add(record(partition, HostileRecords.HUGE_ID, Codecs.SOFT_LABEL.encode(label(HostileRecords.HUGE_ID, 2))));
                records.add(record(partition, "good-b-" + partition, Codecs.SOFT_LABEL.encode(label("good-b-" + partition, 3))));
            }
            HostileRecords.send(kafka.bootstrapServers(), records);

            // then the bombs are skipped and counted, every valid label is kept, and the gateway stays live
            Eventually.await("the bombs skipped", PATIENCE, () -> registry.get(GatewayMetrics.GATE_LABELS_SKIPPED).counter().count(),
                    skipped -> skipped == 2);
            Eventually.await("the six valid labels kept", PATIENCE, () -> registry.get(GatewayMetrics.GATE_EXAMPLES).gauge().value(),
                    kept -> kept == 6);
            assertThat(gateway.health().live()).isTrue();
        }
    }

    private static SoftLabel label(String id, int topClass) {
        List<Float> probabilities = new ArrayList<>(Collections.nCopies(10, 0.1f / 9));
        probabilities.set(topClass, 0.9f);
        return SoftLabel.newBuilder().setRequestId(id).setEventTime(Instant.EPOCH).setLabelledTime(Instant.EPOCH)
                .setInput(Tensors.uint8(new byte[784], 1, 28, 28)).setTeacherId("t").setTeacherVersion("1").setTemperature(1f)
                .setClassCount(10).setProbabilities(new DenseProbabilities(probabilities)).build();
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, String key, byte[] value) {
        return new ProducerRecord<>(TOPICS.softLabels(), partition, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static List<DeadLetter> deadLetters() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.groupless(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), "hostile-dead-letters"))) {
            TopicPartition partition = new TopicPartition(TOPICS.deadLetters(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<DeadLetter> letters = new ArrayList<>();
            for (int poll = 0; poll < 10; poll++) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    letters.add(Codecs.DEAD_LETTER.decode(record.value()));
                }
            }
            return letters;
        }
    }

    private static GatewayConfig config(boolean pairedGate) {
        return new GatewayConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(), GatewayConfig.HTTP_HOST, "127.0.0.1",
                GatewayConfig.HTTP_PORT, "0", GatewayConfig.GATE_PAIRED, String.valueOf(pairedGate), GatewayConfig.DEVICE, "cpu",
                GatewayConfig.MODEL_NAME, pairedGate ? "tail" : "student"));
    }
}

package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.gateway.examples.LabelledExample;
import io.kdstream.gateway.models.RefusalReasons;
import io.kdstream.gateway.models.VersionRecord;
import io.kdstream.gateway.testing.CheckpointPublisher;
import io.kdstream.gateway.testing.GateExamples;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.DenseProbabilities;
import io.kdstream.schemas.PartitionOffset;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The paired gate on a real broker: the gateway follows kd-soft-labels itself and judges checkpoints on it. */
class PairedGateIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void shouldRefuseAWorseCheckpointMeasuredOnRecentSoftLabelsAndServeAGoodOne() throws Exception {
        byte[] good = TestCheckpoints.trainedWeights();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            kafka.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
            PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
            try (CheckpointPublisher publisher = new CheckpointPublisher(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints());
                 Gateway gateway = new Gateway(new GatewayConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                         GatewayConfig.HTTP_HOST, "127.0.0.1", GatewayConfig.HTTP_PORT, "0", GatewayConfig.DEVICE, "cpu",
                         GatewayConfig.GATE_PAIRED, "true", GatewayConfig.GATE_WAIT_MS, "20000")), registry)) {
                gateway.start();

                // given version 1 served, then 400 soft labels written to the topic as the teacher writes them
                publisher.publish(manifest(1, good), good);
                Eventually.await("version 1 served", PATIENCE, gateway::servedVersion, v -> v == 1);
                List<LabelledExample> labelled = GateExamples.labelledBy(good, 400);
                publishLabels(kafka.bootstrapServers(), labelled);

                // when a checkpoint that never answers its rarer classes (a tenth of the labels) follows, claiming a fine holdout score
                byte[] worse = GateExamples.withoutRareClasses(good, labelled, 0.1);
                publisher.publish(manifest(2, worse), worse);

                // then the gateway's own measurement refuses it, and version 1 keeps serving
                Eventually.await("version 2 decided", PATIENCE, () -> gateway.models().history(),
                        history -> history.stream().anyMatch(record -> record.manifest().getVersion() == 2));
                VersionRecord refused = gateway.models().history().get(0);
                assertThat(refused.reason()).as(refused.detail()).isEqualTo(RefusalReasons.AGREEMENT_DROP);
                assertThat(gateway.servedVersion()).isEqualTo(1);

                // and a good checkpoint after it serves
                publisher.publish(manifest(3, good), good);
                Eventually.await("version 3 served", PATIENCE, gateway::servedVersion, v -> v == 3);
                assertThat(registry.get(GatewayMetrics.GATE_DECISIONS).tag("outcome", "refused").tag("reason", "agreement-drop")
                        .counter().count()).isEqualTo(1);
                assertThat(registry.get(GatewayMetrics.GATE_EXAMPLES).gauge().value()).isEqualTo(400);
            }
        }
    }

    @Test
    void shouldGateAPendingCandidateOnceTheStreamResumesAndStartAfreshAfterARestart() throws Exception {
        byte[] good = TestCheckpoints.trainedWeights();
        List<LabelledExample> labelled = GateExamples.labelledBy(good, 400);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            kafka.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
            try (CheckpointPublisher publisher = new CheckpointPublisher(kafka.bootstrapServers(), Topics.DEFAULT.checkpoints())) {
                try (Gateway gateway = pairedGateway(kafka)) {
                    gateway.start();

                    // given version 1 served and a stream paused after 400 labels, all of which version 2 trained on
                    publisher.publish(manifest(1, good), good);
                    Eventually.await("version 1 served", PATIENCE, gateway::servedVersion, v -> v == 1);
                    publishLabels(kafka.bootstrapServers(), labelled);
                    publisher.publish(manifest(2, good, 400), good);

                    // then version 2 is listed as pending with what it has and needs, and version 1 keeps serving
                    JsonNode pending = Eventually.await("version 2 pending", PATIENCE, () -> version(gateway, 2),
                            v -> v != null && v.path("fate").asText().equals("pending"));
                    assertThat(pending.path("examples").asInt()).isZero();
                    assertThat(pending.path("examplesNeeded").asInt()).isEqualTo(300);
                    assertThat(gateway.servedVersion()).isEqualTo(1);

                    // when the stream resumes, with no newer checkpoint
                    publishLabels(kafka.bootstrapServers(), shifted(labelled, 400));

                    // then version 2 is gated on the new labels and swapped in
                    Eventually.await("version 2 served", PATIENCE, gateway::servedVersion, v -> v == 2);

                    // and a version 3 that trained on every label pends when the gateway stops
                    publisher.publish(manifest(3, good, 800), good);
                    Eventually.await("version 3 pending", PATIENCE, () -> version(gateway, 3),
                            v -> v != null && v.path("fate").asText().equals("pending"));
                }

                // when a gateway starts again, it starts as a fresh one: the newest checkpoint passing the manifest
                // gates serves at once (nothing served to pair it with)
                try (Gateway restarted = pairedGateway(kafka)) {
                    restarted.start();
                    Eventually.await("version 3 served after the restart", PATIENCE, restarted::servedVersion, v -> v == 3);

                    // and later candidates are paired again: version 4 pends until labels after its offsets come
                    publisher.publish(manifest(4, good, 800), good);
                    Eventually.await("version 4 pending", PATIENCE, () -> version(restarted, 4),
                            v -> v != null && v.path("fate").asText().equals("pending"));
                    publishLabels(kafka.bootstrapServers(), shifted(labelled, 800));
                    Eventually.await("version 4 served", PATIENCE, restarted::servedVersion, v -> v == 4);
                }
            }
        }
    }

    private static Gateway pairedGateway(EmbeddedKafkaBroker kafka) {
        return new Gateway(new GatewayConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                GatewayConfig.HTTP_HOST, "127.0.0.1", GatewayConfig.HTTP_PORT, "0", GatewayConfig.DEVICE, "cpu",
                GatewayConfig.GATE_PAIRED, "true")), CommonMetrics.prometheusRegistry());
    }

    /** Version {@code version}'s entry in GET /v1/models, read over HTTP, or null when it is not listed. */
    private static JsonNode version(Gateway gateway, long version) {
        JsonNode listing;
        try {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + gateway.port() + "/v1/models")).GET().build(), HttpResponse.BodyHandlers.ofString());
            listing = new ObjectMapper().readTree(reply.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (JsonNode entry : listing.path("versions")) {
            if (entry.path("version").asLong() == version) {
                return entry;
            }
        }
        return null;
    }

    /** The same examples at offsets moved on by {@code by}: what the teacher writes when the stream goes on. */
    private static List<LabelledExample> shifted(List<LabelledExample> examples, long by) {
        return examples.stream().map(example -> new LabelledExample(example.partition(), example.offset() + by,
                example.input(), example.teacher(), example.trueLabel())).toList();
    }

    private static Checkpoint manifest(long version, byte[] weights) {
        return manifest(version, weights, 0L);
    }

    private static Checkpoint manifest(long version, byte[] weights, long nextOffset) {
        Checkpoint manifest = TestCheckpoints.manifest("student", version, weights, 0.95f,
                io.kdstream.core.model.WeightsCodec.sha256(weights), CheckpointPublisher.chunkCount(weights));
        manifest.getLineage().setOffsets(List.of(new PartitionOffset(Topics.DEFAULT.softLabels(), 0, nextOffset)));
        return manifest;
    }

    private static void publishLabels(String bootstrap, List<LabelledExample> examples) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(
                Map.of("bootstrap.servers", bootstrap), "test-teacher"))) {
            for (LabelledExample example : examples) {
                List<Float> probabilities = new ArrayList<>();
                for (float p : example.teacher()) {
                    probabilities.add(p);
                }
                SoftLabel label = SoftLabel.newBuilder().setRequestId("r" + example.offset()).setEventTime(Instant.now())
                        .setLabelledTime(Instant.now()).setInput(example.input()).setTeacherId("test").setTeacherVersion("1")
                        .setTemperature(1f).setClassCount(probabilities.size())
                        .setProbabilities(new DenseProbabilities(probabilities)).setTrueLabel(example.trueLabel()).build();
                producer.send(new ProducerRecord<>(Topics.DEFAULT.softLabels(), 0, label.getRequestId().getBytes(),
                        Codecs.SOFT_LABEL.encode(label)));
            }
        }
    }
}

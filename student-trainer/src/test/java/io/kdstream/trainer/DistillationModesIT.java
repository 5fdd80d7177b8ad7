package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.eval.HoldoutSlice;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.trainer.testing.CheckpointTopic;
import io.kdstream.trainer.testing.SoftLabels;
import io.kdstream.trainer.testing.TestHoldout;
import io.kdstream.trainer.testing.TopicData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The two teacher-free modes, each reading raw traffic: self-distillation and mutual learning. */
class DistillationModesIT {

    private static final int EVENTS = 3000;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        List<NewTopic> topics = new ArrayList<>(io.kdstream.core.kafka.Topics.DEFAULT.definitions(2, (short) 1));
        for (String name : List.of("traffic-self", "truth-self", "traffic-mutual", "truth-mutual")) {
            topics.add(new NewTopic(name, 2, (short) 1));
        }
        broker.createTopics(topics);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldSelfDistilFromAnAverageOfItselfWithLabelsThatArriveOnTheGroundTruthTopic() {
        // given traffic without true labels, whose labels come separately on the ground-truth topic
        LabeledImages images = FashionSlices.train(EVENTS);
        List<ProducerRecord<byte[], byte[]>> truths = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> traffic = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = "self-" + i;
            truths.add(record("truth-self", id, Codecs.GROUND_TRUTH.encode(
                    new GroundTruth(id, Instant.ofEpochMilli(i), images.labels()[i]))));
            traffic.add(record("traffic-self", id, Codecs.TRAFFIC_EVENT.encode(SoftLabels.traffic(id, images, i, false))));
        }

        // when a self-distilling trainer reads the labels first, then the traffic
        Checkpoint newest = train(Map.of("mode", "self", "model.name", "self", "topic.traffic", "traffic-self",
                "topic.ground.truth", "truth-self", "replay.fraction", "0.5"), () -> {
                    TopicData.produce(broker.bootstrapServers(), truths);
                    awaitConsumed("self", "truth-self", EVENTS);
                    TopicData.produce(broker.bootstrapServers(), traffic);
                    return awaitConsumed("self", "traffic-self", EVENTS);
                });

        // then the student and its EMA teacher are checkpointed together, and the late labels taught it
        CheckpointTopic teacher = CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "self-ema");
        assertThat(teacher.versions()).isEqualTo(CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "self").versions());
        assertThat(teacher.newest().orElseThrow().ok()).isTrue();
        assertThat(newest.getLineage().getMode()).isEqualTo("self");
        assertThat(newest.getLineage().getSamplesSeen()).isEqualTo(EVENTS - heldOut("self-"));
        assertThat(newest.getHoldout().getAccuracy()).as("holdout accuracy, labels from kd-ground-truth only").isNotNull().isGreaterThan(0.55f);
        assertThat(newest.getHoldout().getAgreement()).as("agreement with the EMA teacher").isGreaterThan(0.5f);
    }

    @Test
    void shouldTrainPeersThatLearnFromEachOtherAndServeTheBest() {
        // given labelled traffic
        LabeledImages images = FashionSlices.train(EVENTS);
        List<ProducerRecord<byte[], byte[]>> traffic = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = "mutual-" + i;
            traffic.add(record("traffic-mutual", id, Codecs.TRAFFIC_EVENT.encode(SoftLabels.traffic(id, images, i, true))));
        }

        // when two peers train on it
        Checkpoint newest = train(Map.of("mode", "mutual", "model.name", "mutual", "mutual.peers", "2",
                "topic.traffic", "traffic-mutual", "topic.ground.truth", "truth-mutual"), () -> {
                    TopicData.produce(broker.bootstrapServers(), traffic);
                    return awaitConsumed("mutual", "traffic-mutual", EVENTS);
                });

        // then every peer is checkpointed with each version, and the served model is one of them
        CheckpointTopic peer0 = CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "mutual-peer0");
        CheckpointTopic peer1 = CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", "mutual-peer1");
        assertThat(peer0.newestManifest().orElseThrow().getVersion()).isEqualTo(newest.getVersion());
        assertThat(peer1.newestManifest().orElseThrow().getVersion()).isEqualTo(newest.getVersion());
        assertThat(newest.getSha256()).isIn(Set.of(peer0.newestManifest().orElseThrow().getSha256(),
                peer1.newestManifest().orElseThrow().getSha256()));
        assertThat(peer0.newestManifest().orElseThrow().getSha256()).isNotEqualTo(peer1.newestManifest().orElseThrow().getSha256());
        assertThat(newest.getLineage().getMode()).isEqualTo("mutual");
        assertThat(newest.getLineage().getSamplesSeen()).isEqualTo(EVENTS - heldOut("mutual-"));
        assertThat(newest.getHoldout().getAccuracy()).as("holdout accuracy of the best peer").isGreaterThan(0.65f);
        // Peers that never learnt from each other agree on about a tenth of images; after 2,760 examples the two agree
        // on 0.83–0.89 of the holdout in most runs, and on 0.66 in one of our runs (an unlucky initialisation).
        assertThat(newest.getHoldout().getAgreement()).as("agreement with the other peer").isGreaterThan(0.6f);
    }

    /** Runs a trainer with the settings while {@code scenario} feeds it, and returns what the scenario returns. */
    private static Checkpoint train(Map<String, String> settings, Supplier<Checkpoint> scenario) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(Map.of("bootstrap.servers", broker.bootstrapServers(), "checkpoint.interval.ms", "500", "device", "cpu",
                "holdout.key", TestHoldout.KEY));
        try (StudentTrainer trainer = new StudentTrainer(new TrainerConfig(all), new SimpleMeterRegistry())) {
            trainer.start();
            return scenario.get();
        }
    }

    /** The first checkpoint of the model whose lineage has consumed {@code records} records of the topic. */
    private static Checkpoint awaitConsumed(String model, String topic, int records) {
        return Eventually.await("a checkpoint of " + model + " covering " + topic, Duration.ofMinutes(3),
                () -> CheckpointTopic.read(broker.bootstrapServers(), "kd-checkpoints", model),
                checkpoints -> checkpoints.consumedOf(topic) == records).newestManifest().orElseThrow();
    }

    private static int heldOut(String prefix) {
        return TestHoldout.heldOut(i -> prefix + i, EVENTS, 50);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String id, byte[] value) {
        return new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value);
    }
}

package io.kdstream.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two teacher instances share four traffic partitions; one goes away mid-stream; every event is labelled once. */
class TeacherScaleOutIT {

    private static final int EVENTS = 3000;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static EmbeddedKafkaBroker kafka;
    private static LabeledImages images;

    @TempDir
    static Path teacherDir;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.startTemporary();
        images = FashionSlices.train(EVENTS);
        TestTeachers.tiny(teacherDir, 3);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void shouldLabelEveryEventExactlyOnceWhenOneOfTwoInstancesStopsMidStream() throws Exception {
        Topics topics = topics("stop");
        TeacherService a = new TeacherService(config(topics, "a"), new SimpleMeterRegistry());
        TeacherService b = new TeacherService(config(topics, "b"), new SimpleMeterRegistry());
        a.start();
        b.start();
        Thread sender = sendInBackground(topics, "stop");

        // when instance a stops while traffic is still arriving
        Eventually.await("both instances labelling", TIMEOUT, () -> a.labelsProduced() + "/" + b.labelsProduced(),
                seen -> a.labelsProduced() > 200 && b.labelsProduced() > 200);
        a.close();
        sender.join();

        // then b takes over a's partitions and every event is labelled exactly once
        try (b) {
            assertExactlyOnce(topics, "stop");
            assertThat(a.labelsProduced() + b.labelsProduced()).isEqualTo(EVENTS);
            assertThat(b.isRunning()).isTrue();
        }
    }

    @Test
    void shouldLabelEveryEventExactlyOnceWhenAnInstanceCrashesAndRestarts() throws Exception {
        Topics topics = topics("crash");
        TeacherService a = new TeacherService(config(topics, "a"), new SimpleMeterRegistry());
        TeacherService b = new TeacherService(config(topics, "b"), new SimpleMeterRegistry());
        a.start();
        b.start();
        Thread sender = sendInBackground(topics, "crash");

        // when instance a dies without committing its open transaction, and comes back under the same instance id
        Eventually.await("both instances labelling", TIMEOUT, () -> a.labelsProduced() + "/" + b.labelsProduced(),
                seen -> a.labelsProduced() > 200 && b.labelsProduced() > 200);
        a.halt();
        TeacherService restarted = new TeacherService(config(topics, "a"), new SimpleMeterRegistry());
        restarted.start();
        sender.join();

        // then what a had not committed is relabelled, and nothing it had sent before the crash becomes visible
        try (b; restarted) {
            assertExactlyOnce(topics, "crash");
            assertThat(b.isRunning()).isTrue();
            assertThat(restarted.isRunning()).isTrue();
        }
    }

    private static void assertExactlyOnce(Topics topics, String prefix) {
        List<ConsumerRecord<byte[], byte[]>> labels = TestTraffic.readCommitted(kafka.bootstrapServers(), topics.softLabels(), EVENTS, TIMEOUT);
        Map<String, Long> countById = labels.stream().collect(Collectors.groupingBy(TestTraffic::key, Collectors.counting()));
        Map<String, Long> duplicates = countById.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(duplicates).as("request ids labelled more than once").isEmpty();
        assertThat(countById).as("request ids labelled").hasSize(EVENTS);
        assertThat(countById.keySet()).allMatch(id -> id.startsWith(prefix + "-"));
        assertThat(labels.stream().map(ConsumerRecord::partition).distinct()).hasSize(4);
    }

    private static Topics topics(String name) {
        Topics topics = new Topics(name + "-traffic", name + "-labels", name + "-checkpoints", name + "-predictions",
                name + "-truth", name + "-dead");
        kafka.createTopics(topics.definitions(4, (short) 1));
        return topics;
    }

    private static TeacherConfig config(Topics topics, String instance) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("teacher.dir", teacherDir.toString());
        settings.put("device", "cpu");
        settings.put("instance.id", instance);
        settings.put("group.id", topics.traffic() + "-teachers");
        settings.put("commit.interval.ms", "200");
        settings.put("topic.traffic", topics.traffic());
        settings.put("topic.soft.labels", topics.softLabels());
        settings.put("topic.dead.letters", topics.deadLetters());
        // A crashed member is noticed after this long instead of Kafka's default 45 s.
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.max.poll.records", "100");
        return new TeacherConfig(settings);
    }

    /** Sends the events in 30 slices about 100 ms apart, so that labelling and sending overlap. */
    private static Thread sendInBackground(Topics topics, String prefix) {
        List<ProducerRecord<byte[], byte[]>> events = TestTraffic.events(topics.traffic(), prefix, images, 0, EVENTS);
        Thread sender = new Thread(() -> {
            for (int from = 0; from < EVENTS; from += EVENTS / 30) {
                TestTraffic.send(kafka.bootstrapServers(), events.subList(from, Math.min(EVENTS, from + EVENTS / 30)));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "test-sender");
        sender.start();
        return sender;
    }
}

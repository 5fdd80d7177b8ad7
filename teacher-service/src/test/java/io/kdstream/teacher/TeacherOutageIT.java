package io.kdstream.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.FashionSlices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-stream for longer than every client timeout (set short here, so that 25 s exercise the
 * same paths as a 3-minute outage with the defaults) and comes back on the same port with the same data: the teacher
 * resumes by itself, and every event is labelled exactly once.
 */
class TeacherOutageIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Duration OUTAGE = Duration.ofSeconds(25);
    private static final Topics TOPICS = Topics.DEFAULT;

    @TempDir
    Path teacherDir;
    @TempDir
    Path brokerDir;

    @Test
    void shouldResumeByItselfAfterTheBrokerWasAwayAndLabelEveryEventOnce() throws Exception {
        int port = freePort();
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(brokerDir, port, false);
        try {
            kafka.createTopics(TOPICS.definitions(2, (short) 1));
            TestTeachers.tiny(teacherDir, 1);
            String bootstrap = kafka.bootstrapServers();
            TeacherConfig config = new TeacherConfig(Map.ofEntries(Map.entry("bootstrap.servers", bootstrap),
                    Map.entry("teacher.dir", teacherDir.toString()), Map.entry("device", "cpu"),
                    Map.entry("commit.interval.ms", "100"),
                    // Short client timeouts: the outage outlasts every one of them.
                    Map.entry("kafka.max.block.ms", "4000"), Map.entry("kafka.request.timeout.ms", "3000"),
                    Map.entry("kafka.delivery.timeout.ms", "8000"), Map.entry("kafka.default.api.timeout.ms", "4000"),
                    Map.entry("kafka.reconnect.backoff.max.ms", "1000")));
            LabeledImages images = FashionSlices.test(300);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (TeacherService service = new TeacherService(config, registry)) {
                service.start();

                // given a teacher that has labelled the first hundred events
                TestTraffic.send(bootstrap, TestTraffic.events(TOPICS.traffic(), "a", images, 0, 100));
                assertThat(TestTraffic.readCommitted(bootstrap, TOPICS.softLabels(), 100, TIMEOUT)).hasSize(100);

                // when more arrive and the broker goes away while they are labelled, and comes back later
                TestTraffic.send(bootstrap, TestTraffic.events(TOPICS.traffic(), "b", images, 100, 200));
                kafka.close();
                Thread.sleep(OUTAGE.toMillis());
                kafka = EmbeddedKafkaBroker.start(brokerDir, port, false);
                TestTraffic.send(bootstrap, TestTraffic.events(TOPICS.traffic(), "c", images, 200, 300));

                // then the teacher labels everything, each event once, without a restart
                List<ConsumerRecord<byte[], byte[]>> labels = TestTraffic.readCommitted(bootstrap, TOPICS.softLabels(), 300, TIMEOUT);
                Map<String, Long> perId = labels.stream().collect(Collectors.groupingBy(TestTraffic::key, Collectors.counting()));
                assertThat(perId).hasSize(300);
                assertThat(perId.values()).allMatch(count -> count == 1);
                assertThat(service.health().live()).as(service.health().detail()).isTrue();
                assertThat(registry.get(TeacherMetrics.LABELS).counter().count()).isEqualTo(300);
            }
        } finally {
            kafka.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package io.kdstream.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.teacher.model.FakeTeacher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A slow teacher under a backlog: the service pauses reading instead of piling records up, and shows the lag. */
class TeacherBackpressureIT {

    private static final int EVENTS = 600;
    private static final int INFLIGHT_MAX = 64;
    private static final int MAX_POLL = 16;

    @Test
    void shouldBoundTheRecordsInFlightAndReportTheLagWhileTheTeacherIsSlow() throws InterruptedException {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            Topics topics = Topics.DEFAULT;
            kafka.createTopics(topics.definitions(2, (short) 1));
            // given a teacher that needs 20 ms per batch of at most 16
            FakeTeacher slow = new FakeTeacher("slow", 784, 10, (inputs, batch) -> {
                sleep(20);
                return new float[batch * 10];
            });
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            TeacherConfig config = new TeacherConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(), "device", "cpu",
                    "batch.max", "16", "batch.max.gpu", "16", "inflight.max.records", String.valueOf(INFLIGHT_MAX),
                    "kafka.max.poll.records", String.valueOf(MAX_POLL)));
            try (TeacherService service = new TeacherService(config, registry, device -> slow)) {
                service.start();

                // when a backlog far larger than the in-flight bound arrives
                TestTraffic.send(kafka.bootstrapServers(), TestTraffic.events(topics.traffic(), "bp", FashionSlices.test(EVENTS), 0, EVENTS));
                AtomicInteger peakInFlight = new AtomicInteger();
                AtomicLong peakLag = new AtomicLong();
                Thread sampler = new Thread(() -> {
                    while (service.labelsProduced() < EVENTS) {
                        peakInFlight.accumulateAndGet(service.recordsInFlight(), Math::max);
                        peakLag.accumulateAndGet((long) registry.get("kd.consumer.lag").gauge().value(), Math::max);
                        sleep(2);
                    }
                });
                sampler.start();
                List<ConsumerRecord<byte[], byte[]>> labels = TestTraffic.readCommitted(kafka.bootstrapServers(),
                        topics.softLabels(), EVENTS, Duration.ofSeconds(120));
                sampler.join(10_000);

                // then reading stayed within the bound (plus one poll), the lag showed the backlog, and all got labelled once
                assertThat(peakInFlight.get()).isPositive().isLessThanOrEqualTo(INFLIGHT_MAX + MAX_POLL);
                assertThat(peakLag.get()).isGreaterThan(INFLIGHT_MAX + MAX_POLL);
                Map<String, Long> countById = labels.stream().collect(Collectors.groupingBy(TestTraffic::key, Collectors.counting()));
                assertThat(countById).hasSize(EVENTS).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
                assertThat(service.isRunning()).isTrue();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

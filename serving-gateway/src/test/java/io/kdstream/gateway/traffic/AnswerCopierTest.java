package io.kdstream.gateway.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.kdstream.core.testing.Eventually;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class AnswerCopierTest {

    private final GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());

    @Test
    void shouldDropAndCountCopiesBeyondTheBufferWithoutBlockingTheCaller() {
        // given a copier whose sender is not running, with room for four copies
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        AnswerCopier copier = new AnswerCopier(producer, "t", "p", 0.0, 1.0, 4, metrics);

        // when ten answers are offered
        for (int i = 0; i < 10; i++) {
            copier.offer(answered("r" + i));
        }

        // then six are dropped at once and counted; the four buffered ones are sent once the sender runs
        assertThat(metrics.predictionCopies(false)).isEqualTo(6);
        copier.start();
        Eventually.await("the buffered copies sent", Duration.ofSeconds(10), () -> metrics.predictionCopies(true), n -> n == 4);
        copier.close();
        assertThat(producer.history()).hasSize(4);
    }

    @Test
    void shouldCountCopiesKafkaDidNotAcceptAsDropped() {
        // given a producer whose sends fail, as when the cluster is unreachable
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        AnswerCopier copier = new AnswerCopier(producer, "t", "p", 1.0, 0.0, 16, metrics);
        copier.start();

        // when an answer is shadowed (and so also written as a prediction)
        copier.offer(answered("lost"));
        Eventually.await("two sends attempted", Duration.ofSeconds(10), () -> producer.history().size(), n -> n == 2);
        while (producer.errorNext(new TimeoutException("delivery timed out"))) {
            // fail every pending send
        }

        // then both copies are counted as dropped
        Eventually.await("two drops counted", Duration.ofSeconds(10),
                () -> metrics.shadowCopies(false) + metrics.predictionCopies(false), n -> n == 2);
        assertThat(metrics.shadowCopies(true)).isZero();
        copier.close();
    }

    @Test
    void shouldGiveEveryShadowCopyAnIdOfItsOwnBesideTheClientsRequestId() {
        // given a copier that shadows every answer
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        AnswerCopier copier = new AnswerCopier(producer, "t", "p", 1.0, 0.0, 16, metrics);
        copier.start();

        // when a client sends the same request id twice
        copier.offer(answered("chosen-by-client"));
        copier.offer(answered("chosen-by-client"));
        Eventually.await("two shadow copies sent", Duration.ofSeconds(10), () -> metrics.shadowCopies(true), n -> n == 2);
        copier.close();

        // then both copies keep the client's id as key and request id (ground truth and predictions join on it), and
        // carry a gateway-made id each, by which the trainer chooses its holdout slice
        List<TrafficEvent> shadows = producer.history().stream().filter(record -> record.topic().equals("t")).map(record -> {
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("chosen-by-client");
            return Codecs.TRAFFIC_EVENT.decode(record.value());
        }).toList();
        assertThat(shadows).hasSize(2).allSatisfy(event -> {
            assertThat(event.getRequestId()).isEqualTo("chosen-by-client");
            assertThat(event.getShadowId()).isNotBlank().isNotEqualTo("chosen-by-client");
        });
        assertThat(shadows.get(0).getShadowId()).isNotEqualTo(shadows.get(1).getShadowId());
    }

    private static AnswerCopier.Answered answered(String requestId) {
        return new AnswerCopier.Answered(requestId, io.kdstream.core.task.BuiltInTasks.FASHION_MNIST, new float[784], Instant.now(), "student", 1, new float[10], 0, 1f);
    }
}

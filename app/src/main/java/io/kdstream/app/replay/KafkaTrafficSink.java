package io.kdstream.app.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Replayed examples as {@code REPLAY} traffic events in their task's wire form, with their true label when known, straight onto the traffic topic. */
public final class KafkaTrafficSink implements TrafficSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTrafficSink.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public KafkaTrafficSink(Map<String, Object> kafkaSettings, String topic, String clientId) {
        this.producer = new KafkaProducer<>(KafkaClients.producer(kafkaSettings, clientId));
        this.topic = topic;
    }

    @Override
    public void send(String requestId, TaskContract task, LabeledExample example) {
        Integer label = example.hasLabel() ? example.label() : null;
        TrafficEvent event = new TrafficEvent(requestId, Instant.now(), task.toTensor(example.input()), label, TrafficSource.REPLAY, null);
        producer.send(new ProducerRecord<>(topic, requestId.getBytes(StandardCharsets.UTF_8), Codecs.TRAFFIC_EVENT.encode(event)),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.warn("Replay could not send {}: {}", requestId, error.getMessage());
                    }
                });
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

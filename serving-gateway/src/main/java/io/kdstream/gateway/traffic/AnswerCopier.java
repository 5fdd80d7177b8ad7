package io.kdstream.gateway.traffic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.task.TaskContract;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.schemas.Prediction;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies answered requests to Kafka without ever slowing or failing them: a sampled share of inputs goes to the
 * traffic topic as SHADOW events for the teacher, in the served task's wire shape and type
 * ({@link TaskContract#toTensor}: bytes for image tasks, floats otherwise), and answers go to the predictions topic
 * for the monitor.
 *
 * <p>A shadow copy keeps the client's request id (its key, which predictions and ground truth join on) and carries
 * a random id of the gateway's own beside it: the trainer chooses its holdout slice by that one, so a client that
 * picks its request ids, or repeats one, cannot steer which requests are held out.
 *
 * <p>The request thread only offers a copy to a bounded buffer; one sender thread encodes and sends. When Kafka is
 * slow or down the buffer fills and further copies are dropped and counted; sends that time out are counted as
 * dropped too. The producer blocks for at most {@value #MAX_BLOCK_MS} ms and gives up on a record after
 * {@value #DELIVERY_TIMEOUT_MS} ms, so a dead cluster cannot pin memory for long.
 */
public final class AnswerCopier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerCopier.class);
    static final int MAX_BLOCK_MS = 500;
    static final int REQUEST_TIMEOUT_MS = 5_000;
    static final int DELIVERY_TIMEOUT_MS = 15_000;

    /** One answered input, on the model's scale, and the task contract that gives it its wire shape and type. */
    public record Answered(String requestId, TaskContract task, float[] input, Instant time, String model, long modelVersion,
                           float[] probabilities, int topClass, float latencyMs) {
    }

    private record Copy(Answered answered, boolean shadow, boolean prediction) {
    }

    private final Producer<byte[], byte[]> producer;
    private final String trafficTopic;
    private final String predictionsTopic;
    private final double shadowFraction;
    private final double predictionsFraction;
    private final GatewayMetrics metrics;
    private final BlockingQueue<Copy> buffer;
    private final Thread sender;
    private volatile boolean running = true;

    public AnswerCopier(Producer<byte[], byte[]> producer, String trafficTopic, String predictionsTopic,
                        double shadowFraction, double predictionsFraction, int bufferRecords, GatewayMetrics metrics) {
        this.producer = producer;
        this.trafficTopic = trafficTopic;
        this.predictionsTopic = predictionsTopic;
        this.shadowFraction = shadowFraction;
        this.predictionsFraction = predictionsFraction;
        this.metrics = metrics;
        this.buffer = new ArrayBlockingQueue<>(bufferRecords);
        this.sender = new Thread(this::send, "kd-gateway-copier");
        this.sender.setDaemon(true);
    }

    /**
     * A producer that fails fast when Kafka is unreachable; {@code kafka.}-prefixed settings in {@code base} still win.
     */
    public static Producer<byte[], byte[]> newProducer(Map<String, Object> base) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
        settings.putAll(base);
        return new KafkaProducer<>(KafkaClients.producer(settings, "kd-gateway-copies"));
    }

    public void start() {
        sender.start();
    }

    /** Samples and queues the copies of one answer; never blocks. */
    public void offer(Answered answered) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean shadow = shadowFraction > 0 && random.nextDouble() < shadowFraction;
        // A shadowed input always gets its prediction written, so the monitor can join it with the teacher's label.
        boolean prediction = shadow || (predictionsFraction > 0 && random.nextDouble() < predictionsFraction);
        if (!shadow && !prediction) {
            return;
        }
        if (!running || !buffer.offer(new Copy(answered, shadow, prediction))) {
            countDropped(shadow, prediction);
        }
    }

    /** Sends a record the gateway made itself (a dead letter) through the same producer. */
    public void sendRaw(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    LOG.warn("Could not write to {}: {}", record.topic(), error.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not write to {}: {}", record.topic(), e.toString());
        }
    }

    private void send() {
        List<Copy> batch = new ArrayList<>();
        while (running || !buffer.isEmpty()) {
            try {
                Copy first = buffer.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, 255);
                for (Copy copy : batch) {
                    sendOne(copy);
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        batch.forEach(copy -> countDropped(copy.shadow(), copy.prediction()));
        List<Copy> left = new ArrayList<>();
        buffer.drainTo(left);
        left.forEach(copy -> countDropped(copy.shadow(), copy.prediction()));
    }

    private void sendOne(Copy copy) {
        Answered answered = copy.answered();
        byte[] key = answered.requestId().getBytes(StandardCharsets.UTF_8);
        if (copy.shadow()) {
            TrafficEvent event = TrafficEvent.newBuilder()
                    .setRequestId(answered.requestId())
                    .setEventTime(answered.time())
                    .setInput(answered.task().toTensor(answered.input()))
                    .setSource(TrafficSource.SHADOW)
                    .setShadowId(UUID.randomUUID().toString())
                    .build();
            send(new ProducerRecord<>(trafficTopic, key, Codecs.TRAFFIC_EVENT.encode(event)), metrics::shadow);
        }
        if (copy.prediction()) {
            Prediction prediction = Prediction.newBuilder()
                    .setRequestId(answered.requestId())
                    .setTime(answered.time())
                    .setModel(answered.model())
                    .setModelVersion(answered.modelVersion())
                    .setProbabilities(boxed(answered.probabilities()))
                    .setTopClass(answered.topClass())
                    .setLatencyMs(answered.latencyMs())
                    .build();
            send(new ProducerRecord<>(predictionsTopic, key, Codecs.PREDICTION.encode(prediction)), metrics::prediction);
        }
    }

    private void send(ProducerRecord<byte[], byte[]> record, java.util.function.Consumer<Boolean> outcome) {
        try {
            producer.send(record, (metadata, error) -> outcome.accept(error == null));
        } catch (RuntimeException e) {
            // Metadata unavailable within max.block.ms, buffer full, or the producer closed: the copy is lost.
            outcome.accept(false);
        }
    }

    private void countDropped(boolean shadow, boolean prediction) {
        if (shadow) {
            metrics.shadow(false);
        }
        if (prediction) {
            metrics.prediction(false);
        }
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float value : values) {
            list.add(value);
        }
        return list;
    }

    /** Sends what is buffered for up to two seconds, then closes the producer. */
    @Override
    public void close() {
        running = false;
        try {
            sender.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}

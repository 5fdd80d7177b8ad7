package io.kdstream.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.schemas.DType;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.Tensor;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadows a service's production inputs onto kd-stream's traffic topic, for the teacher to label, and their true
 * labels, when they become known, onto the ground-truth topic.
 *
 * <p>It is built for the caller's request path: {@link #input} and {@link #label} only put a record on a bounded
 * queue and return at once. One background thread hands the queue to a Kafka producer. When the queue is full (Kafka
 * is slow or down), the record is dropped and counted rather than making the caller wait; when Kafka refuses a
 * record, it is counted as failed. Nothing here throws into the caller: an input of the wrong size is refused with
 * {@code false} and counted as {@code invalid}.
 *
 * <p>A share of the requests can be shadowed ({@link Builder#fraction}); the choice hashes the request id, so the
 * true label of a shadowed request is sent and that of any other is not.
 *
 * <pre>{@code
 * ShadowClient shadow = ShadowClient.forFloat32("kafka:9092", 16).meterRegistry(registry).build();
 * shadow.input(requestId, features);   // in the request path, never blocks
 * shadow.label(requestId, trueClass);  // later, when the outcome is known
 * }</pre>
 */
public final class ShadowClient implements AutoCloseable {

    /** Micrometer name of the per-outcome counter; tags {@code kind} (input, label) and {@code outcome}. */
    public static final String RECORDS = "kd.client.records";
    public static final String QUEUE = "kd.client.queue.size";

    private static final Logger LOG = LoggerFactory.getLogger(ShadowClient.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private record Pending(String topic, String requestId, byte[] value, Outcomes outcomes) {
    }

    /** The counters of one kind of record. */
    private record Outcomes(Counter sent, Counter dropped, Counter failed, Counter invalid, Counter skipped) {
        static Outcomes register(MeterRegistry registry, String kind) {
            return new Outcomes(counter(registry, kind, "sent"), counter(registry, kind, "dropped"),
                    counter(registry, kind, "failed"), counter(registry, kind, "invalid"), counter(registry, kind, "skipped"));
        }

        private static Counter counter(MeterRegistry registry, String kind, String outcome) {
            return Counter.builder(RECORDS).description("Records the shadowing client handled, by kind and outcome")
                    .tags("kind", kind, "outcome", outcome).register(registry);
        }
    }

    private final DType dtype;
    private final List<Integer> shape;
    private final int elements;
    private final double fraction;
    private final String trafficTopic;
    private final String groundTruthTopic;
    private final BlockingQueue<Pending> queue;
    private final Producer<byte[], byte[]> producer;
    private final Outcomes inputs;
    private final Outcomes labels;
    private final Thread sender;
    /** Records accepted and not yet handed to the producer; {@link #flush} waits for none. */
    private final AtomicLong outstanding = new AtomicLong();
    private volatile boolean closing;

    private ShadowClient(Builder builder, Producer<byte[], byte[]> producer) {
        this.dtype = builder.dtype;
        this.shape = List.copyOf(Arrays.stream(builder.shape).boxed().toList());
        this.elements = Arrays.stream(builder.shape).reduce(1, Math::multiplyExact);
        this.fraction = builder.fraction;
        this.trafficTopic = builder.trafficTopic;
        this.groundTruthTopic = builder.groundTruthTopic;
        this.queue = new ArrayBlockingQueue<>(builder.capacity);
        this.producer = producer;
        this.inputs = Outcomes.register(builder.registry, "input");
        this.labels = Outcomes.register(builder.registry, "label");
        Gauge.builder(QUEUE, queue, BlockingQueue::size).description("Records waiting for the shadowing client's producer")
                .register(builder.registry);
        this.sender = new Thread(this::sendUntilClosed, "kd-shadow-client");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** A client for a task whose inputs are float32 tensors of {@code shape} (for a vector task, its feature count). */
    public static Builder forFloat32(String bootstrapServers, int... shape) {
        return new Builder(bootstrapServers, DType.FLOAT32, shape);
    }

    /** A client for a task whose inputs are uint8 tensors of {@code shape} (images as raw pixel bytes, e.g. 1, 28, 28). */
    public static Builder forUint8(String bootstrapServers, int... shape) {
        return new Builder(bootstrapServers, DType.UINT8, shape);
    }

    /**
     * Queues a float32 input for the teacher.
     *
     * @return whether it was queued: false when not sampled, of the wrong size (counted {@code invalid}), of another
     *         element type, or when the queue is full (counted {@code dropped})
     */
    public boolean input(String requestId, float[] values) {
        if (!accepts(requestId, values == null ? -1 : values.length, DType.FLOAT32)) {
            return false;
        }
        ByteBuffer data = ByteBuffer.allocate(elements * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        return queueInput(requestId, data);
    }

    /** Queues a uint8 input (raw bytes, e.g. pixels 0–255) for the teacher; returns as {@link #input(String, float[])}. */
    public boolean input(String requestId, byte[] values) {
        if (!accepts(requestId, values == null ? -1 : values.length, DType.UINT8)) {
            return false;
        }
        return queueInput(requestId, ByteBuffer.wrap(values.clone()));
    }

    /**
     * Queues the true class of an earlier request (an index into the task's classes), when that request was sampled.
     *
     * @return whether it was queued
     */
    public boolean label(String requestId, int trueClass) {
        if (!sampled(requestId)) {
            labels.skipped().increment();
            return false;
        }
        if (requestId == null || trueClass < 0) {
            labels.invalid().increment();
            return false;
        }
        byte[] value = Codecs.GROUND_TRUTH.encode(new GroundTruth(requestId, Instant.now(), trueClass));
        return offer(new Pending(groundTruthTopic, requestId, value, labels));
    }

    /** Records waiting to be handed to the producer. */
    public int queued() {
        return queue.size();
    }

    private boolean sampled(String requestId) {
        return fraction >= 1.0 || requestId != null && Math.floorMod(requestId.hashCode(), 10_000) < fraction * 10_000;
    }

    /** Whether an input of {@code length} values of {@code given} type is sampled and fits the task; counts it when not. */
    private boolean accepts(String requestId, int length, DType given) {
        if (!sampled(requestId)) {
            inputs.skipped().increment();
            return false;
        }
        if (given != dtype || length != elements) {
            inputs.invalid().increment();
            LOG.debug("Not shadowing {}: {} {} values, but the task takes {} {} values of shape {}", requestId, length, given,
                    elements, dtype, shape);
            return false;
        }
        return true;
    }

    private boolean queueInput(String requestId, ByteBuffer data) {
        if (requestId == null) {
            inputs.invalid().increment();
            return false;
        }
        Tensor tensor = new Tensor(dtype, shape, data);
        // The shadow id, not the caller's request id, picks the trainer's held-out slice: callers cannot steer it.
        TrafficEvent event = new TrafficEvent(requestId, Instant.now(), tensor, null, TrafficSource.SHADOW, UUID.randomUUID().toString());
        return offer(new Pending(trafficTopic, requestId, Codecs.TRAFFIC_EVENT.encode(event), inputs));
    }

    private boolean offer(Pending pending) {
        outstanding.incrementAndGet();
        if (closing || !queue.offer(pending)) {
            outstanding.decrementAndGet();
            pending.outcomes().dropped().increment();
            return false;
        }
        return true;
    }

    /**
     * Waits until every record accepted so far has been handed to Kafka and acknowledged or failed. Not for the request
     * path: for tests, batch jobs and shutdown hooks.
     */
    public void flush() throws InterruptedException {
        while (outstanding.get() > 0 && sender.isAlive()) {
            Thread.sleep(5);
        }
        producer.flush();
    }

    /** The one thread that may block on Kafka: takes records off the queue and hands them to the producer. */
    private void sendUntilClosed() {
        try {
            while (!closing || !queue.isEmpty()) {
                Pending pending = queue.poll(100, TimeUnit.MILLISECONDS);
                if (pending != null) {
                    send(pending);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // The caller's service must keep running: stop shadowing, count what is left as dropped, and say so once.
            LOG.error("The shadowing client stopped; inputs and labels are dropped from now on", e);
            closing = true;
        }
        for (Pending left; (left = queue.poll()) != null; ) {
            left.outcomes().dropped().increment();
            outstanding.decrementAndGet();
        }
    }

    private void send(Pending pending) {
        try {
            producer.send(new ProducerRecord<>(pending.topic(), pending.requestId().getBytes(StandardCharsets.UTF_8), pending.value()),
                    (metadata, error) -> (error == null ? pending.outcomes().sent() : pending.outcomes().failed()).increment());
        } catch (RuntimeException e) {
            // A record too large, an interrupted send, a producer closed under it: this record is lost, and counted.
            pending.outcomes().failed().increment();
            LOG.debug("Could not send {} to {}: {}", pending.requestId(), pending.topic(), e.getMessage());
        } finally {
            outstanding.decrementAndGet();
        }
    }

    /**
     * Sends what is queued, waiting up to ten seconds, then closes the producer; what Kafka did not take by then is
     * counted as failed, so every record handed to the client is counted exactly once when this returns.
     */
    @Override
    public void close() {
        closing = true;
        try {
            sender.join(CLOSE_GRACE.toMillis());
            producer.close(CLOSE_GRACE);
            // A closed producer refuses at once, so a sender still blocked in it now counts the rest and ends.
            sender.join(CLOSE_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a {@link ShadowClient}; every one but the bootstrap servers and the input shape has a default. */
    public static final class Builder {
        private final String bootstrapServers;
        private final DType dtype;
        private final int[] shape;
        private String trafficTopic = "kd-traffic";
        private String groundTruthTopic = "kd-ground-truth";
        private double fraction = 1.0;
        private int capacity = 10_000;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private final Map<String, Object> kafka = new HashMap<>();

        private Builder(String bootstrapServers, DType dtype, int[] shape) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers must be given, e.g. kafka:9092");
            }
            if (shape.length == 0 || Arrays.stream(shape).anyMatch(size -> size <= 0)) {
                throw new IllegalArgumentException("the input shape must have positive dimensions but is " + Arrays.toString(shape));
            }
            this.bootstrapServers = bootstrapServers;
            this.dtype = dtype;
            this.shape = shape.clone();
        }

        /** The topic inputs go to (default kd-traffic). */
        public Builder trafficTopic(String topic) {
            this.trafficTopic = topic;
            return this;
        }

        /** The topic true labels go to (default kd-ground-truth). */
        public Builder groundTruthTopic(String topic) {
            this.groundTruthTopic = topic;
            return this;
        }

        /** The share of request ids shadowed, in (0, 1] (default 1: all). */
        public Builder fraction(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction must be in (0, 1] but is " + fraction);
            }
            this.fraction = fraction;
            return this;
        }

        /** Records held while Kafka is slow or away before new ones are dropped (default 10,000). */
        public Builder capacity(int capacity) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("capacity must be positive but is " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** Where the client's counters go; the caller's registry, so they appear beside its own meters. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** A Kafka producer setting (TLS, SASL, ...), overriding the client's defaults. */
        public Builder kafka(String key, Object value) {
            kafka.put(key, value);
            return this;
        }

        public ShadowClient build() {
            Map<String, Object> settings = new HashMap<>();
            settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, "kd-shadow-client");
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            // Only the sender thread blocks, and not for long: a record that cannot be sent is counted, not waited on.
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
            settings.putAll(kafka);
            return new ShadowClient(this, new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer()));
        }
    }
}

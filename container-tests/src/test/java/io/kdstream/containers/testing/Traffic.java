package io.kdstream.containers.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replayed Fashion-MNIST traffic onto kd-traffic at a steady rate, in the background, with request ids the test
 * knows: the ledger then says whether each one was labelled and trained on exactly once. Idempotent, acks=all: a
 * broker lost mid-stream delays records, it never loses or repeats one.
 */
public final class Traffic {

    private final String bootstrap;
    private final LabeledImages images;
    private final List<String> sent = new CopyOnWriteArrayList<>();

    public Traffic(String bootstrap, LabeledImages images) {
        this.bootstrap = bootstrap;
        this.images = images;
    }

    /** Every request id acknowledged so far. */
    public List<String> sent() {
        return List.copyOf(sent);
    }

    /** A batch of {@code count} events named {@code prefix-N} at about {@code perSecond}, sent in the background. */
    public Batch send(String prefix, int count, int perSecond) {
        Batch batch = new Batch(count);
        batch.done = CompletableFuture.runAsync(() -> produce(prefix, count, perSecond, batch));
        return batch;
    }

    private void produce(String prefix, int count, int perSecond, Batch batch) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        List<Throwable> failures = new ArrayList<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String id = prefix + "-" + i;
                int index = Math.floorMod(id.hashCode(), images.count());
                TrafficEvent event = TrafficEvent.newBuilder()
                        .setRequestId(id)
                        .setEventTime(Instant.now())
                        .setInput(Tensors.uint8(images.image(index), 1, 28, 28))
                        .setTrueLabel(images.labels()[index])
                        .setSource(TrafficSource.REPLAY)
                        .build();
                producer.send(new ProducerRecord<>(Ledger.TRAFFIC, id.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        Codecs.TRAFFIC_EVENT.encode(event)), (metadata, error) -> {
                    if (error == null) {
                        sent.add(id);
                        batch.acknowledged.incrementAndGet();
                    } else {
                        synchronized (failures) {
                            failures.add(error);
                        }
                    }
                });
                long due = start + (long) ((i + 1) * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                batch.handed.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " traffic events were not acknowledged; first: " + failures.get(0), failures.get(0));
        }
    }

    /** One batch in flight. */
    public static final class Batch {
        private final int count;
        private final AtomicInteger handed = new AtomicInteger();
        private final AtomicInteger acknowledged = new AtomicInteger();
        private CompletableFuture<Void> done;

        private Batch(int count) {
            this.count = count;
        }

        /** Events handed to the producer so far. */
        public int handed() {
            return handed.get();
        }

        public int count() {
            return count;
        }

        /** Waits until every event was acknowledged by the cluster; throws if any could not be. */
        public void await() {
            done.join();
        }

        public boolean isDone() {
            return done.isDone();
        }
    }
}

package io.kdstream.monitor.testing;

import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.kdstream.core.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Test-side drift injection: a thread that writes soft labels to the soft-label topic at a steady rate, each one's
 * top class drawn at random from the current class set, which {@link #shiftTo} changes mid-stream (the same shift
 * as {@code kd replay --drift classmix@...}, without needing the teacher).
 */
public final class ClassMixTraffic implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int classes;
    private final int perSecond;
    private final AtomicReference<int[]> mix;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sending at {@code perSecond} labels a second, classes drawn from {@code initialMix}. */
    public ClassMixTraffic(String bootstrapServers, String topic, int classes, int perSecond, int... initialMix) {
        this.producer = new KafkaProducer<>(KafkaClients.producer(Map.of("bootstrap.servers", bootstrapServers), "class-mix-traffic"));
        this.topic = topic;
        this.classes = classes;
        this.perSecond = perSecond;
        this.mix = new AtomicReference<>(initialMix.clone());
        this.thread = new Thread(this::run, "class-mix-traffic");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** From now on, top classes are drawn from {@code classesNow} only. */
    public void shiftTo(int... classesNow) {
        mix.set(classesNow.clone());
    }

    public int sent() {
        return sent.get();
    }

    /** Keeps to the rate by sending, every 10 ms, as many labels as are due since the start (sleeps run long here). */
    private void run() {
        Random random = new Random(42);
        long started = System.nanoTime();
        try {
            while (running && failure.get() == null) {
                long due = (System.nanoTime() - started) / 1_000_000 * perSecond / 1000;
                while (sent.get() < due) {
                    int[] current = mix.get();
                    String requestId = "mix-" + sent.getAndIncrement();
                    byte[] label = MonitorRecords.softLabelOfClass(requestId, Instant.now(), current[random.nextInt(current.length)], classes);
                    producer.send(new ProducerRecord<>(topic, MonitorRecords.key(requestId), label), (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                    });
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        if (failure.get() != null) {
            throw new IllegalStateException("sending labels failed", failure.get());
        }
    }
}

package io.kdstream.app.replay;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.core.data.LabeledImages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams images into a {@link TrafficSink} at a steady rate, cycling through the data set, on a thread of its own.
 * Request ids are {@code <run>-<sequence>}: unique across runs, so the trainer's hash-chosen holdout slice differs
 * between runs but is stable within one.
 */
public final class Replay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private final LabeledImages images;
    private final double ratePerSecond;
    private final long limit;
    private final Drift drift;
    private final TrafficSink sink;
    private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;

    /**
     * @param ratePerSecond events per second; 0 sends as fast as Kafka takes them
     * @param limit         events to send before stopping; 0 means forever
     */
    public Replay(TrafficSink sink, LabeledImages images, double ratePerSecond, long limit, Drift drift) {
        this.sink = sink;
        this.images = images;
        this.ratePerSecond = ratePerSecond;
        this.limit = limit;
        this.drift = drift;
    }

    public void start() {
        running.set(true);
        thread = new Thread(this::run, "kd-replay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Events handed to Kafka so far. */
    public long sent() {
        return sent.get();
    }

    /** Blocks until {@code limit} events are sent (or the replay is closed). */
    public void awaitDone() throws InterruptedException {
        thread.join();
    }

    private void run() {
        long started = System.nanoTime();
        long index = 0;
        boolean announced = false;
        while (running.get() && (limit == 0 || sent.get() < limit)) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            boolean drifting = drift.activeAt(elapsed);
            if (drifting && !announced) {
                LOG.info("Replay: {} drift starts now ({} events sent)", drift.kind().name().toLowerCase(), sent.get());
                announced = true;
            }
            int item = (int) (index++ % images.count());
            int label = images.labels()[item];
            if (drifting && !drift.admits(label)) {
                continue;
            }
            byte[] pixels = drifting ? drift.transform(images.image(item)) : images.image(item);
            sink.send(runId + "-" + sent.get(), pixels, images.height(), images.width(), label);
            long count = sent.incrementAndGet();
            if (ratePerSecond > 0) {
                pace(started, count);
            }
        }
        sink.flush();
    }

    /** Sleeps until the {@code count}-th event is due, so the rate holds on average without bursts. */
    private void pace(long startedNanos, long count) {
        long dueNanos = startedNanos + (long) (count / ratePerSecond * 1e9);
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 1_000_000) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.set(false);
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sink.close();
    }
}

package io.kdstream.app.replay;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.core.data.LabeledData;
import io.kdstream.core.data.LabeledExample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams examples from a {@link ReplaySource} into a {@link TrafficSink} at a steady rate, on a thread of its own, until
 * the limit is reached or the source runs out.
 * Request ids are {@code <run>-<sequence>}: unique across runs, so the trainer's hash-chosen holdout slice differs
 * between runs but is stable within one.
 */
public final class Replay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private final ReplaySource source;
    private final double ratePerSecond;
    private final long limit;
    private final Drift drift;
    private final TrafficSink sink;
    private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread thread;
    private volatile Throwable failure;

    /** Cycles through {@code data}, round and round; see {@link #Replay(TrafficSink, ReplaySource, double, long, Drift)}. */
    public Replay(TrafficSink sink, LabeledData data, double ratePerSecond, long limit, Drift drift) {
        this(sink, ReplaySource.cycling(data), ratePerSecond, limit, drift);
    }

    /**
     * @param ratePerSecond events per second; 0 sends as fast as Kafka takes them
     * @param limit         events to send before stopping; 0 means until the source runs out (never, for a cycling or
     *                      generated one)
     * @throws IllegalArgumentException when the drift does not fit the source
     */
    public Replay(TrafficSink sink, ReplaySource source, double ratePerSecond, long limit, Drift drift) {
        drift.requireFits(source);
        this.sink = sink;
        this.source = source;
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

    /** Why the replay stopped early (a bad row under the stop policy, an unreadable file), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Sends until done; whatever escapes the source or the sink ends the replay here, logged and kept for {@link #failure()}. */
    private void run() {
        try {
            send();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("Replay stopped after {} events: {}", sent.get(), e.getMessage());
        } finally {
            sink.flush();
        }
    }

    private void send() {
        long started = System.nanoTime();
        boolean announced = false;
        while (running.get() && (limit == 0 || sent.get() < limit)) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            boolean drifting = drift.activeAt(elapsed);
            if (drifting && !announced) {
                LOG.info("Replay: {} drift starts now ({} events sent)", drift.kind().label(), sent.get());
                announced = true;
            }
            LabeledExample example = source.next(drifting && drift.shiftsCovariates());
            if (example == null) {
                break;
            }
            if (drifting && !drift.admits(example.label())) {
                continue;
            }
            sink.send(runId + "-" + sent.get(), source.task(), drifting ? drift.transform(example, source.task(), sent.get()) : example);
            long count = sent.incrementAndGet();
            if (ratePerSecond > 0) {
                pace(started, count);
            }
        }
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
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running.set(false);
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sink.close();
        source.close();
    }
}

package io.kdstream.gateway.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.models.ModelSlot;
import io.kdstream.gateway.models.NoModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges concurrent predict requests into one model call. A worker thread takes the oldest waiting request, lets
 * others join for up to the maximum wait or until the batch is full, runs the served model once under a lease, and
 * completes every request with its rows and the version that answered. Under light load a call holds one request;
 * as load grows calls fill up, so throughput grows with it. The queue is bounded: when it is full, {@link #submit}
 * refuses at once instead of letting latency grow without limit.
 *
 * <p>Rows are sized by the served model's task contract. The gates refuse checkpoints of another task, so that size
 * does not change while the gateway runs; a row of another size fails its request alone.
 */
public final class MicroBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    /** The probabilities of a request's rows, row-major, and the version that computed them. */
    public record Answer(long modelVersion, float[] probabilities, int classes) {
    }

    /** Thrown by {@link #submit} when the queue is full. */
    public static final class OverloadedException extends RuntimeException {
        OverloadedException(String detail) {
            super(detail, null, false, false);
        }
    }

    private record Job(float[] rows, int count, CompletableFuture<Answer> answer) {
    }

    private final ModelSlot slot;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final GatewayMetrics metrics;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private volatile boolean running = true;

    public MicroBatcher(ModelSlot slot, int maxBatch, Duration maxWait, int capacity, GatewayMetrics metrics) {
        this.slot = slot;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = new Thread(this::work, "kd-gateway-batcher");
        this.worker.setDaemon(true);
    }

    public void start() {
        worker.start();
    }

    /**
     * Queues {@code count} row-major inputs for the next model call.
     *
     * @throws OverloadedException when the queue is full
     */
    public CompletableFuture<Answer> submit(float[] rows, int count) {
        if (count <= 0 || rows.length % count != 0) {
            throw new IllegalArgumentException("expected " + count + " rows of equal size but found " + rows.length + " values");
        }
        Job job = new Job(rows, count, new CompletableFuture<>());
        if (!running || !queue.offer(job)) {
            throw new OverloadedException(running ? queue.size() + " requests are already waiting for the model"
                    : "the gateway is shutting down");
        }
        return job.answer();
    }

    private void work() {
        Job carried = null;
        while (running || carried != null || !queue.isEmpty()) {
            try {
                Job first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                List<Job> batch = new ArrayList<>();
                batch.add(first);
                int rows = first.count();
                long deadline = System.nanoTime() + maxWaitNanos;
                while (rows < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (rows + next.count() > maxBatch) {
                        carried = next; // would overflow this call: it opens the next one
                        break;
                    }
                    batch.add(next);
                    rows += next.count();
                }
                run(batch, rows);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failWaiting(carried);
    }

    private void run(List<Job> batch, int rows) {
        try (ModelSlot.Lease lease = slot.acquire()) {
            if (lease == null) {
                batch.forEach(job -> job.answer().completeExceptionally(new NoModelException()));
                return;
            }
            int inputSize = lease.model().classifier().inputSize();
            List<Job> misfits = batch.stream().filter(job -> job.rows().length != job.count() * inputSize).toList();
            if (!misfits.isEmpty()) {
                misfits.forEach(job -> job.answer().completeExceptionally(new IllegalArgumentException("a request's rows have "
                        + job.rows().length / job.count() + " values but the served model takes " + inputSize)));
                batch = batch.stream().filter(job -> !misfits.contains(job)).toList();
                rows = batch.stream().mapToInt(Job::count).sum();
                if (batch.isEmpty()) {
                    return;
                }
            }
            float[] inputs = new float[rows * inputSize];
            int offset = 0;
            for (Job job : batch) {
                System.arraycopy(job.rows(), 0, inputs, offset, job.rows().length);
                offset += job.rows().length;
            }
            float[] probabilities = lease.model().classifier().probabilities(inputs, rows, 1f);
            metrics.batch(rows);
            int classes = probabilities.length / rows;
            int row = 0;
            for (Job job : batch) {
                float[] mine = new float[job.count() * classes];
                System.arraycopy(probabilities, row * classes, mine, 0, mine.length);
                row += job.count();
                job.answer().complete(new Answer(lease.model().version(), mine, classes));
            }
        } catch (RuntimeException e) {
            LOG.error("Model call over {} examples failed", rows, e);
            batch.forEach(job -> job.answer().completeExceptionally(e));
        }
    }

    private void failWaiting(Job carried) {
        List<Job> left = new ArrayList<>();
        if (carried != null) {
            left.add(carried);
        }
        queue.drainTo(left);
        left.forEach(job -> job.answer().completeExceptionally(new OverloadedException("the gateway is shutting down")));
    }

    /** Answers what is queued, then stops the worker. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt();
    }
}

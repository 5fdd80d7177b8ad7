package io.kdstream.gateway.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.models.ModelSlot;
import io.kdstream.gateway.models.NoModelException;
import io.kdstream.gateway.models.ServedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges concurrent predict requests into model calls of at most {@code batch.max} rows. A worker thread takes the
 * oldest waiting part, lets others join for up to the maximum wait or until the call is full, runs the served model
 * once under a lease, and completes every part with its rows and the version that answered. A request larger than
 * {@code batch.max} is split into parts of that size, so no call exceeds it. The queue is bounded: when it cannot
 * take a request's parts, {@link #submit} refuses at once instead of letting latency grow without limit.
 *
 * <p>Rows are sized by the served model's task contract. The gates refuse checkpoints of another task, so that size
 * does not change while the gateway runs; a row of another size fails its request alone. Probabilities that are not
 * finite are never answered: the request fails with {@link NonFiniteOutputException} and is counted. Whatever
 * escapes a model call, an {@link Error} included, is caught in one place; an Error stops the worker, fails what
 * waits, and turns {@link #healthy()} false so readiness tells the truth.
 */
public final class MicroBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    /** The probabilities of a request's rows, row-major, and the versions that computed them. */
    public record Answer(long modelVersion, float[] probabilities, int classes, long[] rowVersions) {

        /** The version that answered row {@code row}; parts of a split request may straddle a swap. */
        public long version(int row) {
            return rowVersions[row];
        }
    }

    /** Thrown by {@link #submit} when the queue is full. */
    public static final class OverloadedException extends RuntimeException {
        OverloadedException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** The worker stopped after an error it cannot survive; the gateway is not ready and should be restarted. */
    public static final class StoppedException extends RuntimeException {
        StoppedException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** The served model gave probabilities that are not finite numbers for a request's rows. */
    public static final class NonFiniteOutputException extends RuntimeException {
        NonFiniteOutputException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** One model call over a batch; a seam for tests that need a model that fails. */
    @FunctionalInterface
    interface ModelCall {
        float[] probabilities(ServedModel model, float[] inputs, int rows);
    }

    /** Up to {@code batch.max} rows of one request. */
    private record Part(float[] rows, int count, CompletableFuture<Answer> answer) {
    }

    private final ModelSlot slot;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final GatewayMetrics metrics;
    private final ModelCall modelCall;
    private final BlockingQueue<Part> queue;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public MicroBatcher(ModelSlot slot, int maxBatch, Duration maxWait, int capacity, GatewayMetrics metrics) {
        this(slot, maxBatch, maxWait, capacity, metrics, (model, inputs, rows) -> model.classifier().probabilities(inputs, rows, 1f));
    }

    MicroBatcher(ModelSlot slot, int maxBatch, Duration maxWait, int capacity, GatewayMetrics metrics, ModelCall modelCall) {
        this.slot = slot;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.metrics = metrics;
        this.modelCall = modelCall;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = new Thread(this::work, "kd-gateway-batcher");
        this.worker.setDaemon(true);
    }

    public void start() {
        worker.start();
    }

    /** False once the worker has stopped: after an Error, or after {@link #close}. */
    public boolean healthy() {
        return failure == null && worker.isAlive();
    }

    /** Why the worker stopped, for readiness; null while it runs. */
    public String failure() {
        Throwable stopped = failure;
        return stopped == null ? null : "the model worker stopped after an error it cannot survive (logged); restart the gateway";
    }

    /**
     * Queues {@code count} row-major inputs, in parts of at most {@code batch.max} rows.
     *
     * @throws OverloadedException when the queue cannot take every part
     * @throws StoppedException    when the worker has stopped
     */
    public CompletableFuture<Answer> submit(float[] rows, int count) {
        if (count <= 0 || rows.length % count != 0) {
            throw new IllegalArgumentException("expected " + count + " rows of equal size but found " + rows.length + " values");
        }
        if (failure != null) {
            throw new StoppedException(failure());
        }
        int size = rows.length / count;
        List<Part> parts = new ArrayList<>();
        for (int first = 0; first < count; first += maxBatch) {
            int partRows = Math.min(maxBatch, count - first);
            float[] part = count <= maxBatch ? rows : new float[partRows * size];
            if (part != rows) {
                System.arraycopy(rows, first * size, part, 0, part.length);
            }
            parts.add(new Part(part, partRows, new CompletableFuture<>()));
        }
        if (!running || queue.remainingCapacity() < parts.size()) {
            throw new OverloadedException(running ? queue.size() + " parts of requests are already waiting for the model"
                    : "the gateway is shutting down");
        }
        for (Part part : parts) {
            if (!queue.offer(part)) {
                throw new OverloadedException(queue.size() + " parts of requests are already waiting for the model");
            }
        }
        return parts.size() == 1 ? parts.get(0).answer() : joined(parts, count);
    }

    private static CompletableFuture<Answer> joined(List<Part> parts, int count) {
        CompletableFuture<?>[] all = parts.stream().map(Part::answer).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenApply(done -> {
            Answer first = parts.get(0).answer().join();
            int classes = first.classes();
            float[] probabilities = new float[count * classes];
            long[] versions = new long[count];
            int row = 0;
            for (Part part : parts) {
                Answer answer = part.answer().join();
                System.arraycopy(answer.probabilities(), 0, probabilities, row * classes, answer.probabilities().length);
                System.arraycopy(answer.rowVersions(), 0, versions, row, part.count());
                row += part.count();
            }
            return new Answer(versions[count - 1], probabilities, classes, versions);
        });
    }

    private void work() {
        Part carried = null;
        try {
            while (running || carried != null || !queue.isEmpty()) {
                Part first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                List<Part> batch = new ArrayList<>();
                batch.add(first);
                int rows = first.count();
                long deadline = System.nanoTime() + maxWaitNanos;
                while (rows < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Part next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
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
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // The one place where what escapes a model call ends: an Error (out of memory, a native library failure)
            // leaves the model and this thread in an unknown state, so the worker stops and readiness turns false.
            failure = e;
            running = false;
            LOG.error("The model worker stopped; the gateway is no longer ready", e);
        }
        failWaiting(carried);
    }

    private void run(List<Part> batch, int rows) {
        try (ModelSlot.Lease lease = slot.acquire()) {
            if (lease == null) {
                batch.forEach(part -> part.answer().completeExceptionally(new NoModelException()));
                return;
            }
            int inputSize = lease.model().classifier().inputSize();
            List<Part> fitting = new ArrayList<>(batch.size());
            for (Part part : batch) {
                if (part.rows().length == part.count() * inputSize) {
                    fitting.add(part);
                } else {
                    part.answer().completeExceptionally(new IllegalArgumentException("a request's rows have "
                            + part.rows().length / part.count() + " values but the served model takes " + inputSize));
                    rows -= part.count();
                }
            }
            if (!fitting.isEmpty()) {
                answer(lease.model(), fitting, rows, inputSize);
            }
        } catch (RuntimeException e) {
            LOG.error("Model call over {} examples failed", rows, e);
            batch.forEach(part -> part.answer().completeExceptionally(e));
        } catch (Error e) {
            batch.forEach(part -> part.answer().completeExceptionally(new StoppedException("the model call failed with an error")));
            throw e;
        }
    }

    private void answer(ServedModel model, List<Part> batch, int rows, int inputSize) {
        float[] inputs = new float[rows * inputSize];
        int offset = 0;
        for (Part part : batch) {
            System.arraycopy(part.rows(), 0, inputs, offset, part.rows().length);
            offset += part.rows().length;
        }
        float[] probabilities = modelCall.probabilities(model, inputs, rows);
        metrics.batch(rows);
        int classes = probabilities.length / rows;
        int row = 0;
        for (Part part : batch) {
            float[] mine = new float[part.count() * classes];
            System.arraycopy(probabilities, row * classes, mine, 0, mine.length);
            row += part.count();
            int bad = firstNonFinite(mine);
            if (bad >= 0) {
                metrics.nonFiniteOutput(part.count());
                LOG.warn("Version {} gave probability {} for class {}; {} answers refused", model.version(), mine[bad],
                        bad % classes, part.count());
                part.answer().completeExceptionally(new NonFiniteOutputException("the served model (version "
                        + model.version() + ") gave a probability that is not a finite number, so no answer is given"));
            } else {
                long[] versions = new long[part.count()];
                Arrays.fill(versions, model.version());
                part.answer().complete(new Answer(model.version(), mine, classes, versions));
            }
        }
    }

    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    private void failWaiting(Part carried) {
        List<Part> left = new ArrayList<>();
        if (carried != null) {
            left.add(carried);
        }
        queue.drainTo(left);
        RuntimeException reason = failure != null ? new StoppedException(failure())
                : new OverloadedException("the gateway is shutting down");
        left.forEach(part -> part.answer().completeExceptionally(reason));
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

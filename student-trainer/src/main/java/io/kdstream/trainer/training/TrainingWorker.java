package io.kdstream.trainer.training;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.kdstream.trainer.labels.Example;

/**
 * Runs the distiller on a thread of its own, so that optimizer steps overlap with polling and decoding the next
 * batch. Work runs in submission order: a {@link #snapshot} sees every batch handed over before it.
 *
 * <p>At most {@code maxInFlight} batches wait or run at once (the running one included); {@link #train} blocks
 * beyond that, which is the back-pressure that keeps the poll loop from reading too far ahead of training. A
 * {@link #reset} drops the batches still waiting: they belong to the state being thrown away.
 */
public final class TrainingWorker implements AutoCloseable {

    /** Told about every optimizer step (the trainer's metrics). */
    @FunctionalInterface
    public interface StepObserver {
        void stepped(int newExamples, float loss, long nanos);
    }

    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final StepObserver observer;
    private Distiller distiller;
    private volatile Throwable failure;
    /** Bumped by every reset; a batch handed over before the newest reset is skipped. */
    private volatile long generation;

    public TrainingWorker(String threadName, int maxInFlight, StepObserver observer) {
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        this.inFlight = new Semaphore(maxInFlight);
        this.observer = observer;
    }

    /**
     * Replaces the distiller (closing the old one). Batches handed over before and not yet trained are dropped
     * without a step or a report: after a rewind their records are read again.
     */
    public void reset(Supplier<Distiller> factory) {
        generation++;
        await(executor.submit(() -> {
            if (distiller != null) {
                distiller.close();
            }
            distiller = null;
            distiller = factory.get();
            return null;
        }));
    }

    /** Hands a batch over; blocks while {@code maxInFlight} batches are already waiting. */
    public void train(Batch batch) {
        throwIfFailed();
        inFlight.acquireUninterruptibly();
        long handedOverIn = generation;
        executor.execute(() -> {
            try {
                if (failure == null && handedOverIn == generation) {
                    long started = System.nanoTime();
                    float loss = distiller.step(batch);
                    observer.stepped(batch.newExamples(), loss, System.nanoTime() - started);
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                inFlight.release();
            }
        });
    }

    /** The state to publish, after every batch handed over so far has been trained on. */
    public Snapshot snapshot(List<Example> holdout) {
        return snapshotOf(snapshotLater(holdout));
    }

    /**
     * Asks for the state to publish once every batch handed over so far has been trained on, without waiting:
     * batches handed over afterwards queue behind the snapshot, so training goes on while it is published.
     */
    public Future<Snapshot> snapshotLater(List<Example> holdout) {
        throwIfFailed();
        return executor.submit(() -> distiller.snapshot(holdout));
    }

    /** The state {@link #snapshotLater} asked for, once it is taken. */
    public Snapshot snapshotOf(Future<Snapshot> pending) {
        Snapshot snapshot = await(pending);
        throwIfFailed();
        return snapshot;
    }

    /** True when {@link #train} would block: the optimizer has as much work waiting as it may have. */
    public boolean backlogFull() {
        return inFlight.availablePermits() == 0;
    }

    /** @throws IllegalStateException carrying the error of a failed optimizer step */
    public void throwIfFailed() {
        if (failure != null) {
            throw new IllegalStateException("an optimizer step failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        executor.execute(() -> {
            if (distiller != null) {
                distiller.close();
                distiller = null;
            }
        });
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the training thread", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the training thread failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}

package io.kdstream.trainer;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kdstream.core.service.Health;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The student trainer service: reads soft labels from {@code topic.soft.labels} (or traffic from
 * {@code topic.traffic} in self and mutual modes), distils them into the student, and publishes checkpoints to
 * {@code topic.checkpoints} in Kafka transactions together with the consumed offsets; unusable records go to
 * {@code topic.dead.letters}. Exactly one trainer per model publishes: a newer one with the same
 * {@code transactional.id} fences the older one, which stops.
 *
 * <pre>{@code
 * try (StudentTrainer trainer = new StudentTrainer(new TrainerConfig(Map.of("bootstrap.servers", bootstrap)), registry)) {
 *     trainer.start();
 *     ...
 * }
 * }</pre>
 */
public final class StudentTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StudentTrainer.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

    /** Where the service is in its life. */
    public enum State {
        CREATED, RUNNING, STOPPED,
        /** Another trainer with the same transactional id took over; this one stopped publishing. */
        FENCED,
        /** Stopped by an error; see {@link #failure()}. */
        FAILED
    }

    private final TrainerConfig config;
    private final MeterRegistry registry;
    private final Status status = new Status();
    private Thread thread;
    private TrainingLoop loop;

    public StudentTrainer(TrainerConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /**
     * Resumes from the newest checkpoint and starts training on a thread of its own; returns once the consumer
     * is positioned.
     *
     * @throws IllegalStateException when starting fails (topics missing, a checkpoint of another architecture, …)
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the trainer was already started");
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        loop = new TrainingLoop(config, registry, status);
        thread = new Thread(() -> runLoop(started), "kd-trainer-" + config.modelName());
        thread.start();
        try {
            started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the student trainer could not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new IllegalStateException("the student trainer did not start within " + START_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the student trainer", e);
        }
    }

    /**
     * Examples taken into training over the model's whole lineage (replays and held-out examples not counted): handed
     * to the optimizer, where up to {@code batches.ahead} batches of them may still wait for their step.
     */
    public long samplesTrained() {
        return status.samplesTrained;
    }

    /** The newest checkpoint version of the model, published or resumed from; 0 when there is none. */
    public long latestVersion() {
        return status.latestVersion;
    }

    public State state() {
        return status.state;
    }

    /** Live until the trainer stops on an error or is fenced; ready once it resumed and positioned its consumer. */
    public Health health() {
        Throwable cause = status.failure;
        return switch (status.state) {
            case CREATED -> Health.starting("restoring the newest checkpoint and positioning the consumer");
            case RUNNING -> Health.ready("training");
            case STOPPED -> Health.stopped();
            case FENCED -> Health.fenced(cause);
            case FAILED -> Health.failed(cause);
        };
    }

    /** What stopped the trainer when it is {@link State#FENCED} or {@link State#FAILED}. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(status.failure);
    }

    /** Stops polling, publishes what was trained since the last checkpoint, and closes the clients. Idempotent. */
    @Override
    public synchronized void close() {
        status.stopRequested = true;
        if (thread == null) {
            return;
        }
        loop.wakeup();
        try {
            thread.join(STOP_TIMEOUT.toMillis());
            if (thread.isAlive()) {
                LOG.error("The trainer thread did not stop within {} s", STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runLoop(CompletableFuture<Void> started) {
        try {
            loop.open();
            status.state = State.RUNNING;
            started.complete(null);
            loop.run();
            if (status.state == State.RUNNING) {
                status.state = State.STOPPED;
            }
        } catch (Throwable e) {
            if (!started.isDone()) {
                started.completeExceptionally(e);
            } else {
                LOG.error("The student trainer stopped on an error", e);
            }
            status.failed(e);
        } finally {
            loop.close();
            LOG.info("Student trainer of model '{}' {} at v{} with {} samples trained", config.modelName(),
                    status.state.name().toLowerCase(), status.latestVersion, status.samplesTrained);
        }
    }

    /** State shared between the loop's thread and callers. */
    static final class Status {

        private volatile State state = State.CREATED;
        private volatile boolean stopRequested;
        private volatile long samplesTrained;
        private volatile long latestVersion;
        private volatile Throwable failure;

        boolean running() {
            return !stopRequested && state == State.RUNNING;
        }

        /** A last checkpoint on close, unless the trainer was fenced or failed. */
        boolean shouldPublishOnClose() {
            return state == State.RUNNING;
        }

        void update(long samples, long version) {
            samplesTrained = samples;
            latestVersion = version;
        }

        void fenced(Throwable cause) {
            failure = cause;
            state = State.FENCED;
        }

        void failed(Throwable cause) {
            if (state != State.FENCED) {
                failure = cause;
                state = State.FAILED;
            }
        }
    }
}

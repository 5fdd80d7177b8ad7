package io.kdstream.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.kdstream.core.kafka.TopicCheck;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.service.Health;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor: a Kafka Streams application reading kd-predictions, kd-soft-labels, kd-ground-truth and
 * kd-checkpoints, writing only kd-dead-letters, and exporting its figures through Micrometer (see
 * {@link MonitorTopology} and docs/monitor.md). Kafka Streams' own client metrics are bound as well.
 */
public final class MonitorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final MeterRegistry registry;
    private final MonitorMetrics metrics;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<KafkaStreams.State> failedState = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MonitorConfig config;

    public MonitorService(MonitorConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.metrics = new MonitorMetrics(registry, config.versionsKept());
        this.streams = new KafkaStreams(MonitorTopology.build(config, metrics), streamsProperties(config));
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
    }

    /**
     * The Kafka Streams settings: the monitor's keys, then the {@code kafka.}-prefixed pass-through settings, which may
     * override the defaults chosen here (for example {@code kafka.num.stream.threads}).
     */
    static Properties streamsProperties(MonitorConfig config) {
        Properties properties = new Properties();
        // A processing bug on one record must not stop the monitor: log it and go on with the next record.
        // Failed writes (dead letters) are not covered by this and still fail the thread, which is replaced.
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Inputs are read as bytes and decoded by the topology (undecodable records are dead-lettered there); should a
        // serde ever fail on a record before that, the record is logged and skipped rather than stopping the thread.
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        if (!config.stateDir().isEmpty()) {
            properties.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        }
        properties.putAll(config.kafkaClientSettings());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        return properties;
    }

    /** Starts the streams threads and returns once they are running; throws if they fail or take over a minute. */
    public void start() {
        Topics topics = config.topics();
        TopicCheck.require(config.kafkaClientSettings(), "the monitor", topics, List.of(topics.predictions(),
                topics.softLabels(), topics.groundTruth(), topics.checkpoints(), topics.deadLetters()));
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            } else if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                failedState.set(newState);
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("A monitor stream thread failed; replacing it", error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics.bindTo(registry);
        streams.start();
        try {
            if (!running.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the monitor did not reach RUNNING within " + START_TIMEOUT.toSeconds()
                        + " s (state " + streams.state() + "); check bootstrap.servers and that the input topics exist");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the monitor", e);
        }
        if (failedState.get() != null) {
            throw new IllegalStateException("the monitor stopped while starting (state " + failedState.get()
                    + "); see the log for the cause");
        }
        LOG.info("Monitor running with {} stream thread(s)", streams.metadataForLocalThreads().size());
    }

    /**
     * Live unless its stream threads stopped for good (ERROR, or NOT_RUNNING without close()); ready while RUNNING
     * (or rebalancing after it was running).
     */
    public Health health() {
        KafkaStreams.State state = streams.state();
        if (closed.get()) {
            return Health.stopped();
        }
        return switch (state) {
            case RUNNING, REBALANCING -> running.getCount() == 0 ? Health.ready("state " + state) : Health.starting("state " + state);
            case CREATED -> Health.starting("state " + state);
            default -> Health.failed(new IllegalStateException("the monitor's stream threads are " + state));
        };
    }

    /** The latest figures, for live displays and summaries. */
    public MonitorSnapshot snapshot() {
        return metrics.snapshot();
    }

    /** The monitor's meter catalogue. */
    public MonitorMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            LOG.warn("The monitor's stream threads did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
        }
        streamsMetrics.close();
    }
}

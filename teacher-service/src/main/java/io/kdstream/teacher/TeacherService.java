package io.kdstream.teacher;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import io.kdstream.core.kafka.ConsumerLag;
import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.TopicCheck;
import io.kdstream.core.model.Devices;
import io.kdstream.core.service.Health;
import io.kdstream.core.task.TaskContract;
import io.kdstream.teacher.labels.BatchLabeller;
import io.kdstream.teacher.labels.SoftLabeller;
import io.kdstream.teacher.model.Teacher;
import io.kdstream.teacher.model.Teachers;
import io.kdstream.teacher.pipeline.Batcher;
import io.kdstream.teacher.pipeline.LabellingLoop;
import io.kdstream.teacher.traffic.TrafficDecoder;
import io.kdstream.teacher.traffic.TrafficRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The teacher service: reads kd-traffic, labels it in batches with the teacher (or an ensemble) and writes
 * temperature-softened probabilities to kd-soft-labels, exactly once. Records it cannot use go to kd-dead-letters
 * in the same transaction, among them traffic whose input does not fit the configured task ({@code contract-mismatch}).
 * A teacher made for another task is refused at start. Several instances with the same {@code group.id} share the traffic partitions.
 */
public final class TeacherService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TeacherService.class);

    private final TeacherConfig config;
    private final MeterRegistry registry;
    private final Function<Device, Teacher> teacherLoader;
    private final String instanceId;
    private Teacher teacher;
    private volatile LabellingLoop loop;
    private Thread thread;
    private KafkaClientMetrics consumerMetrics;
    private KafkaClientMetrics producerMetrics;
    private volatile boolean closed;

    public TeacherService(TeacherConfig config, MeterRegistry registry) {
        this(config, registry, device -> Teachers.load(config, device));
    }

    /** With a teacher of the caller's making instead of the configured one (tests use slow or faulty teachers). */
    TeacherService(TeacherConfig config, MeterRegistry registry, Function<Device, Teacher> teacherLoader) {
        this.config = config;
        this.registry = registry;
        this.teacherLoader = teacherLoader;
        this.instanceId = config.instanceId().isEmpty() ? UUID.randomUUID().toString().substring(0, 8) : config.instanceId();
    }

    /**
     * Loads the teacher, connects to Kafka (fencing any earlier instance with the same transactional id) and starts
     * labelling on threads of its own.
     *
     * @throws IllegalStateException when the teacher cannot be loaded or was made for another task than the configured one
     */
    public synchronized void start() {
        if (loop != null) {
            throw new IllegalStateException("the teacher service is already started");
        }
        TopicCheck.require(config.kafkaClientSettings(), "the teacher service", config.topics(),
                List.of(config.topics().traffic(), config.topics().softLabels(), config.topics().deadLetters()));
        Device device = Devices.choose(config.device(), "teacher");
        teacher = teacherLoader.apply(device);
        TaskContract task = config.task();
        try {
            Teachers.requireTask(teacher, task);
        } catch (IllegalStateException e) {
            teacher.close();
            teacher = null;
            throw e;
        }
        TeacherMetrics metrics = new TeacherMetrics(registry, teacher.id());
        SoftLabeller softLabeller = new SoftLabeller(teacher.id(), teacher.version(), teacher.members(),
                config.temperature(), teacher.classes(), config.outputTopK());
        DeadLetters deadLetters = new DeadLetters(TeacherMetrics.SERVICE, config.topics().deadLetters(), registry,
                KafkaClients.maxRequestSize(producerSettings()));
        BatchLabeller labeller = new BatchLabeller(teacher, softLabeller, config.temperature(), config.topics().softLabels(),
                deadLetters, metrics);
        int batchMax = config.batchMax(device.isGpu());

        String clientId = "kd-teacher-" + instanceId;
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config.kafkaClientSettings(),
                config.groupId(), clientId));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.transactionalProducer(producerSettings(),
                clientId + "-producer", config.transactionalIdPrefix() + "-" + instanceId));
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            consumer.close(Duration.ZERO);
            teacher.close();
            throw e;
        }
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);

        loop = new LabellingLoop(consumer, producer, config.topics().traffic(), new TrafficDecoder(task),
                labeller, new Batcher<TrafficRecord>(batchMax, TimeUnit.MILLISECONDS.toNanos(config.batchWaitMs())),
                config.inflightMaxRecords(), Duration.ofMillis(config.commitIntervalMs()), inferenceThreadSetup(config.inferenceThreads()),
                new ConsumerLag(registry, TeacherMetrics.SERVICE, config.topics().traffic()), metrics);
        thread = new Thread(loop, "kd-teacher-" + instanceId);
        thread.start();
        LOG.info("Teacher service {} labels {} -> {} with {} v{} for task {} on {} (T={}, batch<={}, wait {} ms)", instanceId,
                config.topics().traffic(), config.topics().softLabels(), teacher.id(), teacher.version(), task.summary(), device,
                config.temperature(), batchMax, config.batchWaitMs());
    }

    /** Soft labels this instance has published in committed transactions. */
    public long labelsProduced() {
        return loop == null ? 0 : loop.labelsCommitted();
    }

    /** Records read from kd-traffic and not yet labelled: bounded by inflight.max.records plus one poll. */
    public int recordsInFlight() {
        return loop == null ? 0 : loop.recordsInFlight();
    }

    /** True while the labelling loop runs; false before start, after close, or after a fatal error. */
    public boolean isRunning() {
        return loop != null && loop.isRunning();
    }

    /**
     * Live until the labelling loop stops on an error or is fenced; ready once the consumer has joined its group.
     * Never blocks, so a health check answers while the service starts.
     */
    public Health health() {
        LabellingLoop current = loop;
        if (current == null) {
            return closed ? Health.stopped() : Health.starting("loading the teacher and connecting to Kafka");
        }
        Throwable error = current.fatalError();
        if (error != null) {
            return current.fenced() ? Health.fenced(error) : Health.failed(error);
        }
        if (!current.isRunning()) {
            return Health.stopped();
        }
        return current.assigned() ? Health.ready("labelling") : Health.starting("joining consumer group " + config.groupId());
    }

    /** The teacher labelling the traffic (its id and version are in every soft label); null before start. */
    public synchronized Teacher teacher() {
        return teacher;
    }

    /** Labels what has been read, commits, leaves the consumer group and frees the teacher. Idempotent. */
    @Override
    public void close() {
        stop(false);
    }

    /** Stops as if the process died: nothing read since the last commit is committed. For failure tests. */
    void halt() {
        stop(true);
    }

    private synchronized void stop(boolean crash) {
        if (closed) {
            return;
        }
        closed = true;
        if (loop != null) {
            if (crash) {
                loop.halt();
            } else {
                loop.stop();
            }
            join();
        }
        release();
    }

    /**
     * Runs first on the inference thread: PyTorch's intra-op thread count is an OpenMP setting of the thread that
     * sets it, so it is set there rather than at engine start. (PyTorch also keeps it as the default for threads that
     * have not run a parallel operation yet.)
     */
    public static Runnable inferenceThreadSetup(int threads) {
        return () -> JniUtils.setNumThreads(threads);
    }

    private Map<String, Object> producerSettings() {
        Map<String, Object> settings = new HashMap<>();
        // A short transaction timeout lets the broker abort a crashed instance's open transaction soon.
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        settings.putAll(config.kafkaClientSettings());
        return settings;
    }

    private void join() {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(90));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The teacher's labelling thread did not stop within 90 s");
        }
    }

    private void release() {
        if (consumerMetrics != null) {
            consumerMetrics.close();
            producerMetrics.close();
        }
        if (teacher != null) {
            teacher.close();
        }
    }
}

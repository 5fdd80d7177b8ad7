package io.kdstream.app.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.gateway.Gateway;
import io.kdstream.gateway.GatewayConfig;
import io.kdstream.monitor.MonitorConfig;
import io.kdstream.monitor.MonitorService;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.teacher.TeacherService;
import io.kdstream.trainer.StudentTrainer;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every kd-stream service in one JVM around an embedded broker, sharing one metrics registry that the gateway
 * serves at {@code /metrics}: the embedded default of {@code kd demo}, and the harness of the end-to-end tests and
 * benchmarks. Each service gets the same typed config it would get as a process of its own.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /**
     * Per-service settings on top of the broker address; any key of that service's config class.
     *
     * @param partitions partitions of the request-id keyed topics
     */
    public record Settings(int partitions, Map<String, Object> teacher, Map<String, Object> trainer,
                           Map<String, Object> gateway, Map<String, Object> monitor) {
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final EmbeddedKafkaBroker broker;
    private final PrometheusMeterRegistry registry = CommonMetrics.serviceRegistry();
    private final TeacherService teacher;
    private final TrainerConfig trainerConfig;
    private final StudentTrainer trainer;
    private final Gateway gateway;
    private final MonitorService monitor;

    private Pipeline(Settings settings) {
        try {
            broker = EmbeddedKafkaBroker.startTemporary();
            started.push(broker);
            broker.createTopics(Topics.DEFAULT.definitions(settings.partitions(), (short) 1));
            teacher = new TeacherService(new TeacherConfig(withBroker(settings.teacher())), registry);
            started.push(teacher);
            teacher.start();
            // The demo's broker is temporary, so is the key choosing its holdout slice.
            Map<String, Object> trainerSettings = withBroker(settings.trainer());
            trainerSettings.putIfAbsent(TrainerConfig.HOLDOUT_KEY_FILE,
                    temporaryFolder("kd-trainer-holdout-").resolve("holdout.key").toString());
            trainerConfig = new TrainerConfig(trainerSettings);
            trainer = new StudentTrainer(trainerConfig, registry);
            started.push(trainer);
            trainer.start();
            gateway = new Gateway(new GatewayConfig(withBroker(settings.gateway())), registry);
            started.push(gateway);
            gateway.start();
            Map<String, Object> monitorSettings = withBroker(settings.monitor());
            monitorSettings.putIfAbsent(MonitorConfig.STATE_DIR, temporaryFolder("kd-monitor-state-").toString());
            monitor = new MonitorService(new MonitorConfig(monitorSettings), registry);
            started.push(monitor);
            monitor.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts the broker and every service; on failure, closes what had started and rethrows. */
    public static Pipeline start(Settings settings) {
        return new Pipeline(settings);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public TeacherService teacher() {
        return teacher;
    }

    public StudentTrainer trainer() {
        return trainer;
    }

    /** The student architecture the trainer distils. */
    public Architecture studentArchitecture() {
        return trainerConfig.architecture();
    }

    public Gateway gateway() {
        return gateway;
    }

    public MonitorService monitor() {
        return monitor;
    }

    /** Stops the trainer early (no more checkpoints), leaving the rest running. */
    public void stopTrainer() {
        trainer.close();
    }

    private Map<String, Object> withBroker(Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(overrides);
        settings.put("bootstrap.servers", broker.bootstrapServers());
        return settings;
    }

    private static Path temporaryFolder(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("{} did not close cleanly: {}", part.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}

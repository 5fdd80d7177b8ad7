package io.kdstream.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.Device;
import io.javalin.Javalin;
import io.kdstream.core.kafka.ConsumerLag;
import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.TopicCheck;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Devices;
import io.kdstream.core.service.Health;
import io.kdstream.gateway.batching.MicroBatcher;
import io.kdstream.gateway.checkpoints.CheckpointFollower;
import io.kdstream.gateway.checkpoints.ServingDecisionWriter;
import io.kdstream.gateway.examples.RecentExamples;
import io.kdstream.gateway.examples.SoftLabelTail;
import io.kdstream.gateway.http.HttpApi;
import io.kdstream.gateway.models.ModelManager;
import io.kdstream.gateway.models.ModelSlot;
import io.kdstream.gateway.models.PairedGate;
import io.kdstream.gateway.models.PromotionGates;
import io.kdstream.gateway.models.VersionRecord;
import io.kdstream.gateway.traffic.AnswerCopier;
import io.kdstream.schemas.Checkpoint;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The serving gateway: follows the checkpoint topic and hot-swaps the newest checkpoint that passes its gates,
 * answers predictions over HTTP with micro-batching, and copies answered traffic to Kafka for the teacher and the
 * monitor.
 *
 * <p>Reads kd-checkpoints (from the start, no consumer group) and the tail of kd-soft-labels (no consumer group, for
 * the paired gate's recent examples); writes kd-traffic (shadow copies), kd-predictions
 * and kd-dead-letters, and admins' serving decisions (rollbacks, pins) to kd-checkpoints, where every gateway of the
 * model reads and obeys them. Serves its API, {@code /health} and {@code /metrics} on {@code http.port}.
 */
public final class Gateway implements AutoCloseable {

    static final String SERVICE = "serving-gateway";

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final ModelManager models;
    private final MicroBatcher batcher;
    private final AnswerCopier copier;
    private final CheckpointFollower follower;
    private final SoftLabelTail labelTail;
    private final KafkaClientMetrics producerMetrics;
    private final KafkaClientMetrics consumerMetrics;
    private final ServingDecisionWriter decisions;
    private final Javalin http;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Gateway(GatewayConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.metrics = new GatewayMetrics(registry);
        Device device = Devices.choose(config.device(), "the serving gateway");
        ModelSlot slot = new ModelSlot();
        PairedGate pairedGate = null;
        if (config.pairedGate()) {
            RecentExamples recent = new RecentExamples(config.gateExamplesRetained());
            metrics.gateExamples(recent::size);
            pairedGate = new PairedGate(recent, config.topics().softLabels(), config.pairedGateSettings());
            this.labelTail = new SoftLabelTail(new KafkaConsumer<>(
                    KafkaClients.groupless(config.kafkaClientSettings(), "kd-gateway-soft-labels")),
                    config.topics().softLabels(), recent, metrics::gateLabelSkipped);
        } else {
            this.labelTail = null;
        }
        this.models = new ModelManager(new PromotionGates(config.minAgreement(), config.maxDrop(), device,
                config.task().orElse(null)), pairedGate, slot, config.modelsRetained(), metrics);
        this.batcher = new MicroBatcher(slot, config.batchMax(), config.batchWait(),
                config.batchQueueCapacity(), metrics);
        Producer<byte[], byte[]> producer = AnswerCopier.newProducer(config.kafkaClientSettings());
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        this.copier = new AnswerCopier(producer, config.topics().traffic(), config.topics().predictions(),
                config.shadowFraction(), config.predictionsFraction(), config.copyBufferRecords(), metrics);
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.groupless(config.kafkaClientSettings(), "kd-gateway-checkpoints"));
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        String checkpoints = config.topics().checkpoints();
        this.follower = new CheckpointFollower(consumer, checkpoints, config.modelName(), models,
                new DeadLetters(SERVICE, config.topics().deadLetters(), registry), copier::sendRaw,
                new ConsumerLag(registry, SERVICE, checkpoints));
        this.decisions = new ServingDecisionWriter(new KafkaProducer<>(KafkaClients.producer(config.kafkaClientSettings(),
                "kd-gateway-decisions")), checkpoints);
        this.http = new HttpApi(models, batcher, copier, registry, metrics, config.adminToken(), config.modelName(),
                config.requestTimeout(), config.maxBodyBytes(), config.maxRows(), this::health, decisions).create();
    }

    /**
     * Checks the topics it needs (waiting a while for missing ones), then starts the worker threads and the HTTP
     * server; returns once the server listens.
     *
     * @throws IllegalStateException naming each needed topic that is missing or defined otherwise, and the fix
     */
    public void start() {
        Topics topics = config.topics();
        List<String> needed = new ArrayList<>(List.of(topics.checkpoints(), topics.traffic(), topics.predictions(),
                topics.deadLetters()));
        if (labelTail != null) {
            needed.add(topics.softLabels());
        }
        TopicCheck.require(config.kafkaClientSettings(), "the serving gateway", topics, needed);
        batcher.start();
        copier.start();
        if (labelTail != null) {
            labelTail.start();
        }
        follower.start();
        http.start(config.httpHost(), config.httpPort());
    }

    /** The port the HTTP API listens on (the chosen one when {@code http.port} is 0). */
    public int port() {
        return http.port();
    }

    /** The version being served, or −1 before the first checkpoint passes its gates. */
    public long servedVersion() {
        return models.servedVersion().orElse(-1);
    }

    /** Checkpoints swapped in so far (the first one included). */
    public long swaps() {
        return metrics.swaps(GatewayMetrics.SwapOutcome.SWAPPED);
    }

    /**
     * The one truth about the gateway, answered at {@code /health/live} and {@code /health/ready} and watched by the
     * {@code kd gateway} command: live while it follows checkpoints and its model worker runs (a dead one is not
     * live, so that a supervisor restarts it); ready once it serves a model.
     */
    public Health health() {
        if (closed.get()) {
            return Health.stopped();
        }
        return health(follower.stoppedBy(), batcher, models);
    }

    /**
     * {@link #health()} of a running gateway from its parts: public so that HTTP tests without Kafka judge by it too.
     *
     * @param followerStopped what stopped the checkpoint follower, or null while it runs
     */
    public static Health health(Throwable followerStopped, MicroBatcher batcher, ModelManager models) {
        if (followerStopped != null) {
            return Health.failed(followerStopped);
        }
        String workerFailure = batcher.failure();
        if (workerFailure != null) {
            return new Health(false, false, false, "failed: " + workerFailure);
        }
        if (!batcher.healthy()) {
            return Health.starting("the model worker is not running yet");
        }
        OptionalLong served = models.servedVersion();
        return served.isPresent() ? Health.ready("serving v" + served.getAsLong())
                : Health.starting("waiting for a checkpoint that passes its gates");
    }

    /** True once the checkpoint topic has been read to the end it had at start. */
    public boolean caughtUp() {
        return follower.caughtUp();
    }

    /**
     * Offers a reassembled, sha256-verified checkpoint: the path every checkpoint read from Kafka takes after
     * reassembly (gates, load, golden batch, atomic swap). Public for benchmarks that swap faster than Kafka.
     */
    public VersionRecord offer(Checkpoint manifest, byte[] weights) {
        return models.offer(manifest, weights);
    }

    public ModelManager models() {
        return models;
    }

    /** Stops taking requests, answers the queued ones, sends what copies it can, and closes the model. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        http.stop();
        follower.close();
        if (labelTail != null) {
            labelTail.close();
        }
        batcher.close();
        copier.close();
        decisions.close();
        producerMetrics.close();
        consumerMetrics.close();
        models.close();
    }
}

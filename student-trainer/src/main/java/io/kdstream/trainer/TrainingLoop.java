package io.kdstream.trainer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Future;

import ai.djl.Device;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.eval.HoldoutSlice;
import io.kdstream.core.kafka.ConsumerLag;
import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.TopicCheck;
import io.kdstream.core.kafka.TransactionErrors;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Devices;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.GroundTruth;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;
import io.kdstream.trainer.checkpoints.CheckpointHistory;
import io.kdstream.trainer.checkpoints.CheckpointPublisher;
import io.kdstream.trainer.checkpoints.CheckpointRecords;
import io.kdstream.trainer.checkpoints.LineageTracker;
import io.kdstream.trainer.labels.Example;
import io.kdstream.trainer.labels.ExampleDecoder;
import io.kdstream.trainer.labels.GroundTruthCache;
import io.kdstream.trainer.labels.UnusableRecordException;
import io.kdstream.trainer.training.Batch;
import io.kdstream.trainer.training.BatchAssembler;
import io.kdstream.trainer.training.Distiller;
import io.kdstream.trainer.training.DivergenceGuard;
import io.kdstream.trainer.training.HoldoutSet;
import io.kdstream.trainer.training.MutualDistiller;
import io.kdstream.trainer.training.ReplayBuffer;
import io.kdstream.trainer.training.SelfDistiller;
import io.kdstream.trainer.training.Snapshot;
import io.kdstream.trainer.training.StudentSetup;
import io.kdstream.trainer.training.TeacherDistiller;
import io.kdstream.trainer.training.TrainingWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's poll loop, on one thread: read input records, decode and route them (train, hold out, or
 * dead-letter), hand full batches to the training thread, and publish a checkpoint when one is due.
 *
 * <p>Exactly-once: dead letters, the checkpoint and the consumed offsets go out in one Kafka transaction. If that
 * transaction aborts, the loop rewinds to the last committed checkpoint (weights, lineage, consumer positions), so
 * the records since then are read and counted again, once. After a crash the same happens from the topic itself.
 *
 * <p>A checkpoint is taken in two halves so that the optimizer does not wait for Kafka: the snapshot is queued on
 * the training thread together with a copy of the lineage it covers; the loop goes on decoding and handing over
 * batches (which queue behind the snapshot), and commits once the snapshot is taken and the optimizer has a full
 * backlog to train on meanwhile, or {@link #PUBLISH_WAIT} after queueing the snapshot when the input is too slow to
 * fill the backlog. A dead letter is never written while a checkpoint is pending: that checkpoint is committed first,
 * so the dead letter belongs to the transaction of the offsets that consume its record.
 */
final class TrainingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    static final String SERVICE = "student-trainer";
    /** Dead-letter reason of a record whose decoding failed in a way the decoder did not foresee. */
    static final String UNPROCESSABLE = "unprocessable";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** How long a taken snapshot may wait for a full backlog before it is committed anyway. */
    static final Duration PUBLISH_WAIT = Duration.ofMillis(100);
    /** How often the loop looks for partitions added to its input topics. */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

    private final TrainerConfig config;
    private final MeterRegistry registry;
    private final TrainerMetrics metrics;
    private final Mode mode;
    private final TaskContract task;
    private final Architecture architecture;
    private final String model;
    private final String checkpointTopic;
    private final String groundTruthTopic;
    private final DeadLetters deadLetters;
    private final HoldoutSlice holdoutSlice;
    private final HoldoutSet holdout;
    private final GroundTruthCache groundTruth;
    private final ReplayBuffer replay;
    private final BatchAssembler assembler;
    private final StudentTrainer.Status status;

    private volatile Consumer<byte[], byte[]> consumer;
    private CheckpointPublisher publisher;
    private TrainingWorker worker;
    private ConsumerLag lag;
    private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
    private ExampleDecoder decoder;
    private StudentSetup setup;

    private LineageTracker lineage = LineageTracker.fresh();
    private LineageTracker committedLineage;
    private Snapshot committedState;
    private long latestVersion;
    private Long parentVersion;
    private final Map<Long, Map<String, Integer>> liveVersions = new HashMap<>();
    private long lastCheckpointNanos = System.nanoTime();
    private long stepsSinceCheckpoint;
    private PendingCheckpoint pending;
    private List<String> inputTopics = List.of();
    private long lastPartitionCheckNanos = System.nanoTime();

    /** A checkpoint whose snapshot the training thread is taking, with the lineage it will publish. */
    private record PendingCheckpoint(Future<Snapshot> snapshot, LineageTracker lineage, long queuedNanos) {

        boolean readyToPublish(boolean backlogFull) {
            return snapshot.isDone() && (backlogFull || System.nanoTime() - queuedNanos >= PUBLISH_WAIT.toNanos());
        }
    }

    TrainingLoop(TrainerConfig config, MeterRegistry registry, StudentTrainer.Status status) {
        this.config = config;
        this.registry = registry;
        this.status = status;
        this.mode = config.mode();
        this.task = config.task();
        this.architecture = config.architecture();
        this.model = config.modelName();
        this.metrics = new TrainerMetrics(registry, model, mode);
        this.checkpointTopic = config.topics().checkpoints();
        this.groundTruthTopic = config.topics().groundTruth();
        this.deadLetters = new DeadLetters(SERVICE, config.topics().deadLetters(), registry,
                KafkaClients.maxRequestSize(config.kafkaClientSettings()));
        this.holdoutSlice = config.holdoutSlice();
        this.holdout = new HoldoutSet(config.holdoutSize());
        this.groundTruth = config.groundTruthCacheSize() > 0 ? new GroundTruthCache(config.groundTruthCacheSize()) : null;
        this.replay = config.replayFraction() > 0 ? new ReplayBuffer(config.replayBufferSize(), new Random(17)) : null;
        this.assembler = new BatchAssembler(architecture.inputSize(), architecture.classes(), config.batchSize(),
                config.newExamplesPerBatch(), replay);
    }

    /**
     * Fences older instances, restores the newest checkpoint and positions the consumer after what it consumed.
     * Runs on the loop's thread before {@link #run}.
     */
    void open() {
        Device device = Devices.choose(config.device(), "student trainer '" + model + "' (" + mode.configName() + " mode)");
        setup = config.studentSetup(device);
        decoder = mode == Mode.TEACHER
                ? ExampleDecoder.softLabels(task, config.temperature())
                : ExampleDecoder.traffic(task);
        Map<String, Object> kafka = config.kafkaClientSettings();
        String clientId = config.transactionalId();
        TopicCheck.require(kafka, "the student trainer", config.topics(),
                List.of(mode.inputTopic(config.topics()), checkpointTopic, config.topics().deadLetters()));
        publisher = new CheckpointPublisher(new KafkaProducer<>(
                KafkaClients.transactionalProducer(kafka, clientId + "-producer", config.transactionalId())), status::running);
        // Fence any older instance first: its open transaction is aborted, so the history read next is final.
        publisher.init();
        CheckpointHistory history;
        try (Consumer<byte[], byte[]> reader = new KafkaConsumer<>(KafkaClients.groupless(kafka, clientId + "-history"))) {
            history = CheckpointHistory.read(reader, checkpointTopic, model, auxiliarySuffixes(), STARTUP_TIMEOUT);
        }
        Optional<CheckpointHistory.Restored> restored = history.newest();
        restored.ifPresent(this::requireSameArchitectureAndTask);
        latestVersion = history.latestVersion();
        liveVersions.putAll(history.liveVersions());
        worker = new TrainingWorker("kd-trainer-" + model + "-steps", config.batchesAhead(), metrics::stepped);
        worker.reset(() -> newDistiller(restored.map(CheckpointHistory.Restored::weights).orElse(null),
                restored.map(CheckpointHistory.Restored::auxiliary).orElse(Map.of())));

        consumer = new KafkaConsumer<>(KafkaClients.consumer(kafka, config.groupId(), clientId + "-consumer"));
        String inputTopic = mode.inputTopic(config.topics());
        lag = new ConsumerLag(registry, SERVICE, inputTopic);
        clientMetrics.add(new KafkaClientMetrics(consumer));
        clientMetrics.forEach(binder -> binder.bindTo(registry));
        List<TopicPartition> partitions = new ArrayList<>(partitionsOf(inputTopic, true));
        if (groundTruth != null) {
            partitions.addAll(partitionsOf(groundTruthTopic, false));
        }
        inputTopics = groundTruth != null ? List.of(inputTopic, groundTruthTopic) : List.of(inputTopic);
        consumer.assign(partitions);
        lineage = restored.map(r -> LineageTracker.from(r.manifest().getLineage())).orElseGet(LineageTracker::fresh);
        Map<TopicPartition, Long> resumeAt = lineage.nextOffsets();
        for (TopicPartition partition : partitions) {
            Long offset = resumeAt.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            }
            lineage.startAt(partition, consumer.position(partition, STARTUP_TIMEOUT));
        }
        committedLineage = lineage.copy();
        committedState = worker.snapshot(List.of());
        restored.ifPresentOrElse(r -> {
            Checkpoint manifest = r.manifest();
            parentVersion = manifest.getVersion();
            metrics.resumed(manifest.getVersion(), manifest.getHoldout().getAgreement());
            LOG.info("Resumed model '{}' from checkpoint v{} ({} samples seen) at offsets {}", model, manifest.getVersion(),
                    manifest.getLineage().getSamplesSeen(), lineage.nextOffsets());
        }, () -> LOG.info("No checkpoint of model '{}' on {}: training {} for task {} from scratch, reading from offsets {}",
                model, checkpointTopic, architecture, task.name(), lineage.nextOffsets()));
        status.update(lineage.samplesSeen(), latestVersion);
    }

    /** Polls and trains until closed, fenced or failed. */
    void run() {
        try {
            while (status.running()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    // After a failed transaction the rest of this poll is stale: the loop rewound or stops.
                    if (!process(record) || !advanceCheckpoint(stepsDue())) {
                        break;
                    }
                }
                lag.update(consumer);
                worker.throwIfFailed();
                advanceCheckpoint(timeDue());
                followAddedPartitions();
            }
        } catch (WakeupException e) {
            // close() asked the poll to stop.
        }
        // A graceful close publishes everything consumed: the pending checkpoint, then one of what came after it.
        if (status.shouldPublishOnClose() && publishPending()) {
            beginCheckpoint();
            publishPending();
        }
    }

    /** Makes a blocked poll return at once; safe from any thread. */
    void wakeup() {
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** Closes the clients and the training thread; an open transaction is aborted by the broker or the next instance. */
    void close() {
        clientMetrics.forEach(KafkaClientMetrics::close);
        Consumer<byte[], byte[]> closing = consumer;
        consumer = null;
        closeQuietly(closing);
        closeQuietly(publisher);
        closeQuietly(worker);
    }

    /** @return false when a dead letter could not be written (the transaction failed) */
    private boolean process(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.topic().equals(groundTruthTopic)) {
            if (!readGroundTruth(record)) {
                return false;
            }
            lineage.consumed(partition, record.offset());
            return true;
        }
        Example example;
        try {
            example = decoder.decode(record.value());
        } catch (UnusableRecordException e) {
            if (!deadLetter(record, e.reason(), e.getMessage())) {
                return false;
            }
            lineage.consumed(partition, record.offset());
            return true;
        } catch (OutOfMemoryError | StackOverflowError | RuntimeException e) {
            // Whatever else decoding throws is this record's fault too: a poison record must never stop the trainer.
            if (!deadLetter(record, UNPROCESSABLE, "decoding failed: " + e)) {
                return false;
            }
            lineage.consumed(partition, record.offset());
            return true;
        }
        if (groundTruth != null) {
            example = groundTruth.complete(example);
        }
        if (holdoutSlice.isHeldOut(example.sliceId())) {
            holdout.add(example);
        } else {
            lineage.trained(example);
            assembler.add(example).ifPresent(this::train);
        }
        lineage.consumed(partition, record.offset());
        return true;
    }

    /** @return false when the dead letter could not be written (the transaction failed) */
    private boolean readGroundTruth(ConsumerRecord<byte[], byte[]> record) {
        GroundTruth truth;
        try {
            truth = Codecs.GROUND_TRUTH.decode(record.value());
        } catch (RecordDecodingException e) {
            return deadLetter(record, "undecodable", e.getMessage());
        } catch (OutOfMemoryError | StackOverflowError | RuntimeException e) {
            return deadLetter(record, UNPROCESSABLE, "decoding failed: " + e);
        }
        if (truth.getLabel() < 0 || truth.getLabel() >= architecture.classes()) {
            return deadLetter(record, "bad-true-label", "true label must be in 0.." + (architecture.classes() - 1)
                    + " but is " + truth.getLabel());
        }
        groundTruth.put(truth.getRequestId(), truth.getLabel());
        holdout.updateLabel(truth.getRequestId(), truth.getLabel());
        if (replay != null) {
            replay.updateLabel(truth.getRequestId(), truth.getLabel());
        }
        return true;
    }

    /** Writes a dead letter inside the open transaction, so it commits with the offset that consumed its record. */
    private boolean deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        if (!publishPending()) {
            return false;
        }
        try {
            publisher.send(deadLetters.of(record, reason, detail));
            return true;
        } catch (KafkaException e) {
            onTransactionFailure(e, latestVersion + 1);
            return false;
        }
    }

    private void train(Batch batch) {
        worker.train(batch);
        stepsSinceCheckpoint++;
        status.update(lineage.samplesSeen(), latestVersion);
    }

    private boolean stepsDue() {
        return config.checkpointIntervalSteps() > 0 && stepsSinceCheckpoint >= config.checkpointIntervalSteps();
    }

    private boolean timeDue() {
        return System.nanoTime() - lastCheckpointNanos >= config.checkpointInterval().toNanos();
    }

    /**
     * Publishes the pending checkpoint once its snapshot is taken and the optimizer has a full backlog to train on
     * meanwhile (or the input has had {@link #PUBLISH_WAIT} to fill it), else starts one when {@code due}.
     *
     * @return false when a transaction failed (the loop has rewound or stopped), true otherwise
     */
    private boolean advanceCheckpoint(boolean due) {
        if (pending != null) {
            return !pending.readyToPublish(worker.backlogFull()) || publishPending();
        }
        if (due) {
            beginCheckpoint();
        }
        return true;
    }

    /**
     * Trains the partial batch and queues the snapshot of everything consumed so far, with a copy of that lineage;
     * nothing to do when nothing was consumed since the last checkpoint.
     */
    private void beginCheckpoint() {
        lastCheckpointNanos = System.nanoTime();
        stepsSinceCheckpoint = 0;
        if (pending != null || !lineage.changed()) {
            return;
        }
        assembler.flush().ifPresent(this::train);
        pending = new PendingCheckpoint(worker.snapshotLater(holdout.examples()), lineage.copy(), System.nanoTime());
    }

    /**
     * Publishes the pending checkpoint, waiting for its snapshot, in one transaction with the offsets its lineage
     * consumed; nothing to do when none is pending.
     *
     * @return false when the transaction failed (the loop has rewound or stopped), true otherwise
     */
    private boolean publishPending() {
        if (pending == null) {
            return true;
        }
        LineageTracker covered = pending.lineage();
        Snapshot snapshot = worker.snapshotOf(pending.snapshot());
        pending = null;
        long version = latestVersion + 1;
        Lineage lineageRecord = covered.toLineage(mode.configName());
        Instant now = Instant.now();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Integer> written = new HashMap<>();
        CheckpointRecords.Draft main = CheckpointRecords.draft(checkpointTopic, model, version, parentVersion, now,
                architecture, task, snapshot.weights(), config.checkpointChunkBytes(), lineageRecord, snapshot.scores());
        records.addAll(main.records());
        written.put(model, main.manifest().getChunkCount());
        snapshot.auxiliary().forEach((suffix, weights) -> {
            CheckpointRecords.Draft aux = CheckpointRecords.draft(checkpointTopic, model + suffix, version, parentVersion, now,
                    architecture, task, weights, config.checkpointChunkBytes(), lineageRecord, snapshot.scores());
            records.addAll(aux.records());
            written.put(model + suffix, aux.manifest().getChunkCount());
        });
        List<Long> retired = retiredVersions(version);
        for (long old : retired) {
            liveVersions.get(old).forEach((name, chunks) -> records.addAll(CheckpointRecords.tombstones(checkpointTopic, name, old, chunks)));
        }
        try {
            publisher.commit(records, covered.commitOffsets(), consumer.groupMetadata());
        } catch (KafkaException e) {
            onTransactionFailure(e, version);
            return false;
        }
        retired.forEach(liveVersions::remove);
        liveVersions.put(version, written);
        latestVersion = version;
        parentVersion = version;
        lineage.markPublished(covered);
        covered.markPublished();
        committedLineage = covered;
        committedState = snapshot;
        metrics.published(version, snapshot.scores().getAgreement());
        status.update(lineage.samplesSeen(), latestVersion);
        LOG.info("Published {} v{}: {} samples seen, holdout agreement {} / KL {} / accuracy {} over {} examples ({} bytes in {} chunks)",
                model, version, covered.samplesSeen(), snapshot.scores().getAgreement(), snapshot.scores().getKl(),
                snapshot.scores().getAccuracy(), snapshot.scores().getExamples(), main.manifest().getSizeBytes(),
                main.manifest().getChunkCount());
        return true;
    }

    /** Live versions beyond the newest {@code checkpoint.keep} once {@code newVersion} is published. */
    private List<Long> retiredVersions(long newVersion) {
        List<Long> versions = new ArrayList<>(liveVersions.keySet());
        versions.add(newVersion);
        versions.sort(Long::compare);
        return versions.subList(0, Math.max(0, versions.size() - config.checkpointKeep()));
    }

    /**
     * A transaction failed: never swallowed. Fenced → stop for good; abortable, or a call that timed out while
     * running → abort and rewind to the last commit; fatal, or a timeout while stopping → stop and report.
     */
    private void onTransactionFailure(KafkaException error, long version) {
        metrics.checkpointFailed();
        TransactionErrors.Kind kind = TransactionErrors.classify(error);
        if (kind == TransactionErrors.Kind.RETRIABLE) {
            kind = status.running() ? TransactionErrors.Kind.ABORTABLE : TransactionErrors.Kind.FATAL;
        }
        switch (kind) {
            case FENCED -> {
                LOG.error("Trainer of model '{}' was fenced: another instance with transactional.id '{}' took over. "
                        + "This instance stops publishing (v{} not written) and shuts down.", model, config.transactionalId(), version);
                status.fenced(error);
            }
            case ABORTABLE -> {
                LOG.error("Checkpoint v{} of model '{}' failed and its transaction is aborted; rewinding to v{} and "
                        + "reading its records again", version, model, latestVersion, error);
                try {
                    publisher.abort();
                } catch (KafkaException abortError) {
                    // A zombie learns that it is fenced only here when its failed call was an epoch bump.
                    if (TransactionErrors.classify(abortError) == TransactionErrors.Kind.FENCED) {
                        LOG.error("Trainer of model '{}' was fenced while aborting; this instance stops", model, abortError);
                        status.fenced(abortError);
                    } else {
                        LOG.error("Aborting the failed transaction failed too; stopping", abortError);
                        status.failed(abortError);
                    }
                    return;
                }
                rewind();
            }
            case FATAL, RETRIABLE -> {
                LOG.error("Checkpoint v{} of model '{}' failed with an error the producer cannot recover from; stopping",
                        version, model, error);
                status.failed(error);
            }
        }
    }

    /**
     * Every {@link #PARTITION_CHECK}, assigns partitions added to the input topics since the last look, from their
     * beginning: the trainer assigns its partitions itself, so nothing else would tell it.
     */
    private void followAddedPartitions() {
        if (System.nanoTime() - lastPartitionCheckNanos < PARTITION_CHECK.toNanos()) {
            return;
        }
        lastPartitionCheckNanos = System.nanoTime();
        List<TopicPartition> assigned = new ArrayList<>(consumer.assignment());
        List<TopicPartition> added = new ArrayList<>();
        // listTopics asks the broker; partitionsFor would answer from metadata cached for up to metadata.max.age.ms.
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(PARTITION_CHECK);
        } catch (RetriableException e) {
            // The broker is away: training waits for it anyway; look again at the next interval.
            LOG.debug("Could not list topics to look for added partitions: {}", e.toString());
            return;
        }
        for (String topic : inputTopics) {
            topics.getOrDefault(topic, List.of()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .filter(partition -> !assigned.contains(partition))
                    .forEach(added::add);
        }
        if (added.isEmpty()) {
            return;
        }
        assigned.addAll(added);
        consumer.assign(assigned);
        startFromBeginning(added);
        LOG.info("Partitions {} were added to the input topics; reading them from their beginning", added);
    }

    /** Positions partitions none of whose records were consumed yet at their beginning, in the lineage too. */
    private void startFromBeginning(List<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
        for (TopicPartition partition : partitions) {
            lineage.startAt(partition, consumer.position(partition, STARTUP_TIMEOUT));
        }
    }

    /** Back to the last committed checkpoint: its weights, its lineage and its consumer positions. */
    private void rewind() {
        pending = null;
        Snapshot state = committedState;
        worker.reset(() -> newDistiller(state.weights(), state.auxiliary()));
        lineage = committedLineage.copy();
        lineage.nextOffsets().forEach(consumer::seek);
        // Partitions added after the last commit: nothing of them is committed, so they start over.
        List<TopicPartition> unknown = consumer.assignment().stream()
                .filter(partition -> !lineage.nextOffsets().containsKey(partition)).toList();
        if (!unknown.isEmpty()) {
            startFromBeginning(unknown);
        }
        assembler.clear();
        status.update(lineage.samplesSeen(), latestVersion);
    }

    /** The mode's distiller, rolled back to its last good weights when it diverges. */
    private Distiller newDistiller(byte[] weights, Map<String, byte[]> auxiliary) {
        return new DivergenceGuard(model, this::modeDistiller, weights, auxiliary, config.divergenceAgreementDrop(),
                metrics::rolledBack);
    }

    private Distiller modeDistiller(byte[] weights, Map<String, byte[]> auxiliary) {
        return switch (mode) {
            case TEACHER -> new TeacherDistiller(setup, weights);
            case SELF -> new SelfDistiller(setup, weights, auxiliary.get(SelfDistiller.EMA_SUFFIX));
            case MUTUAL -> new MutualDistiller(setup, auxiliary);
        };
    }

    private List<String> auxiliarySuffixes() {
        return switch (mode) {
            case TEACHER -> List.of();
            case SELF -> List.of(SelfDistiller.EMA_SUFFIX);
            case MUTUAL -> {
                List<String> suffixes = new ArrayList<>();
                for (int i = 0; i < config.mutualPeers(); i++) {
                    suffixes.add(MutualDistiller.peerSuffix(i));
                }
                yield suffixes;
            }
        };
    }

    private void requireSameArchitectureAndTask(CheckpointHistory.Restored restored) {
        String otherTask = task.mismatchWith(TaskContract.ofManifest(restored.manifest().getTask()));
        if (otherTask != null) {
            throw new IllegalStateException("checkpoint " + model + " v" + restored.manifest().getVersion() + " on "
                    + checkpointTopic + " was trained for another task than " + TaskSetting.KEY + " " + task.name() + " ("
                    + otherTask + "): set " + TaskSetting.KEY + " to its task to continue it, or choose another "
                    + TrainerConfig.MODEL_NAME);
        }
        String found = restored.manifest().getArchitecture();
        if (!Architecture.parse(found).equals(architecture)) {
            throw new IllegalStateException("checkpoint " + model + " v" + restored.manifest().getVersion() + " on "
                    + checkpointTopic + " has architecture " + found + " but " + TrainerConfig.STUDENT_ARCHITECTURE + " is "
                    + architecture + ": set " + TrainerConfig.STUDENT_ARCHITECTURE + "=" + found
                    + " to continue it, or choose another " + TrainerConfig.MODEL_NAME);
        }
    }

    private List<TopicPartition> partitionsOf(String topic, boolean required) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, STARTUP_TIMEOUT).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        if (partitions.isEmpty() && required) {
            throw new IllegalStateException("input topic " + topic + " does not exist: create it or set "
                    + (mode == Mode.TEACHER ? TrainerConfig.TOPIC_SOFT_LABELS : TrainerConfig.TOPIC_TRAFFIC));
        }
        if (partitions.isEmpty()) {
            LOG.warn("Topic {} does not exist: late true labels will not be read", topic);
        }
        return partitions;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", closeable.getClass().getSimpleName(), e.getMessage());
        }
    }
}

package io.kdstream.gateway.checkpoints;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.checkpoint.CheckpointAssembler.Assembled;
import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.kafka.ConsumerLag;
import io.kdstream.core.kafka.DeadLetters;
import io.kdstream.gateway.models.ModelManager;
import io.kdstream.gateway.models.VersionRecord;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.ServingDecision;
import io.kdstream.schemas.serde.AvroCodec;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the single-partition, compacted checkpoint topic on its own thread and hands complete checkpoints of one
 * model to the {@link ModelManager}, so loading and gating never run on the request path.
 *
 * <p>At start it catches up without replaying history: it reads the topic up to its end once, keeping only the
 * manifests and the offset of each version's first chunk, then reassembles the newest version, and the next newest
 * only if that one is refused, until one serves. After that it follows new records: chunks are collected, and each
 * manifest newer than any seen is reassembled, verified and offered. After every poll it lets the manager gate a
 * candidate pending on the paired gate's examples.
 *
 * <p>Admins' serving decisions (rollbacks and pins, any gateway's) are on the same topic under their own key: the
 * newest is applied before the catch-up offers anything, and each one read later is applied when it arrives, so a
 * restarted gateway and every other gateway of the model obey them.
 */
public final class CheckpointFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration REASSEMBLY_TIMEOUT = Duration.ofSeconds(30);

    /** A manifest and where it sits on the topic. */
    private record Located(Checkpoint manifest, long offset) {
    }

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final String modelName;
    private final ModelManager models;
    private final DeadLetters deadLetters;
    private final Consumer<ProducerRecord<byte[], byte[]>> deadLetterSink;
    private final ConsumerLag lag;
    private final Thread thread;
    private CheckpointAssembler assembler = new CheckpointAssembler();
    private long newestSeen = -1;
    /** The newest serving decision read while catching up, applied before any manifest is offered. */
    private ServingDecision decision;
    private volatile boolean running = true;
    /** What stopped the follower other than close(): the gateway then keeps serving but is no longer live. */
    private volatile Throwable stoppedBy;
    private volatile boolean caughtUp;
    private boolean started;

    public CheckpointFollower(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, String topic, String modelName,
                              ModelManager models, DeadLetters deadLetters, Consumer<ProducerRecord<byte[], byte[]>> deadLetterSink,
                              ConsumerLag lag) {
        this.consumer = consumer;
        this.partition = new TopicPartition(topic, 0);
        this.modelName = modelName;
        this.models = models;
        this.deadLetters = deadLetters;
        this.deadLetterSink = deadLetterSink;
        this.lag = lag;
        this.thread = new Thread(this::run, "kd-gateway-checkpoints");
        this.thread.setDaemon(true);
    }

    public void start() {
        started = true;
        thread.start();
    }

    /** The error that stopped following checkpoints before close(), or null while it follows (or was closed). */
    public Throwable stoppedBy() {
        return stoppedBy;
    }

    /** True once the topic has been read to the end it had at start (and the newest good checkpoint offered). */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try {
            while (running) {
                try {
                    if (!caughtUp) {
                        catchUp();
                        caughtUp = true;
                    }
                    follow(consumer.poll(POLL));
                    // A candidate pending on too few unseen examples is gated here once they arrive, also when
                    // no newer checkpoint comes (the stream paused, then resumed).
                    models.gatePending();
                    lag.update(consumer);
                } catch (WakeupException | InterruptException e) {
                    // close() asked us to stop
                    break;
                } catch (AuthenticationException | AuthorizationException e) {
                    // Fatal: retrying cannot help until an operator fixes credentials or ACLs. Serving continues.
                    LOG.error("Stopped following {}: {}; the served model stays until restart", partition.topic(), e.toString());
                    stoppedBy = e;
                    break;
                } catch (RetriableException e) {
                    // The broker is unreachable or slow: keep serving, try again; an unfinished catch-up starts over.
                    LOG.warn("Checkpoint topic {} unavailable ({}); retrying in {} s", partition.topic(), e.toString(),
                            RETRY_BACKOFF.toSeconds());
                    pause();
                } catch (RuntimeException e) {
                    // Unexpected: reset to a clean catch-up, which only re-offers versions not decided yet.
                    LOG.error("Checkpoint follower failed; reading {} again from the start", partition.topic(), e);
                    caughtUp = false;
                    assembler = new CheckpointAssembler();
                    pause();
                }
            }
        } catch (Error e) {
            // The one place where what the loop cannot survive ends it: the gateway reports itself not live.
            LOG.error("Checkpoint follower stopped: {}", e.toString(), e);
            stoppedBy = e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void catchUp() {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        NavigableMap<Long, Located> manifests = new TreeMap<>();
        Map<Long, Long> firstChunkOffsets = new HashMap<>();
        decision = null;
        while (running && consumer.position(partition) < end) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
                if (record.offset() < end) {
                    index(record, manifests, firstChunkOffsets);
                }
            }
        }
        LOG.info("Read {} up to offset {}: {} manifest(s) of model {}", partition.topic(), end, manifests.size(), modelName);
        // Admins' rollbacks and pins come first, so the catch-up below serves what they decided.
        if (decision != null) {
            models.apply(decision);
        }
        for (Located newest : manifests.descendingMap().values()) {
            long from = firstChunkOffsets.getOrDefault(newest.manifest().getVersion(), newest.offset());
            VersionRecord decision = decide(reassemble(newest, from));
            if (decision != null && decision.fate() == VersionRecord.Fate.SERVING) {
                break;
            }
        }
        manifests.keySet().stream().max(Long::compare).ifPresent(version -> newestSeen = Math.max(newestSeen, version));
        consumer.seek(partition, end);
    }

    private void index(ConsumerRecord<byte[], byte[]> record, NavigableMap<Long, Located> manifests, Map<Long, Long> firstChunkOffsets) {
        CheckpointKey key = key(record);
        if (key == null || !key.getModel().equals(modelName)) {
            return;
        }
        if (key.getChunk() == CheckpointChunks.SERVING_DECISION) {
            ServingDecision read = record.value() == null ? null : servingDecision(record);
            decision = read != null ? read : decision;
            return;
        }
        long version = key.getVersion();
        if (record.value() == null) {
            manifests.remove(version);
            firstChunkOffsets.remove(version);
        } else if (key.getChunk() == CheckpointChunks.MANIFEST) {
            Checkpoint manifest = manifest(record);
            if (manifest != null) {
                manifests.put(version, new Located(manifest, record.offset()));
            }
        } else {
            firstChunkOffsets.merge(version, record.offset(), Math::min);
        }
    }

    /** Reads one version's chunks again, from its first chunk up to its manifest. */
    private Assembled reassemble(Located located, long from) {
        CheckpointAssembler single = new CheckpointAssembler();
        long version = located.manifest().getVersion();
        consumer.seek(partition, from);
        long deadline = System.nanoTime() + REASSEMBLY_TIMEOUT.toNanos();
        while (consumer.position(partition) <= located.offset()) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("re-reading the chunks of version " + version
                        + " took longer than " + REASSEMBLY_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
                CheckpointKey key = record.offset() <= located.offset() && record.value() != null ? key(record) : null;
                if (key != null && key.getModel().equals(modelName) && key.getVersion() == version
                        && CheckpointChunks.isWeightChunk(key)) {
                    CheckpointChunk chunk = chunk(record);
                    if (chunk != null) {
                        single.addChunk(chunk);
                    }
                }
            }
        }
        return single.complete(located.manifest());
    }

    private void follow(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            CheckpointKey key = key(record);
            if (key == null || !key.getModel().equals(modelName)) {
                continue;
            }
            if (key.getChunk() == CheckpointChunks.SERVING_DECISION) {
                ServingDecision read = record.value() == null ? null : servingDecision(record);
                if (read != null) {
                    models.apply(read);
                }
                if (read != null && models.lacksPinnedWeights()) {
                    // The pinned version came before this gateway started: catching up again offers it.
                    LOG.info("Version {} is pinned but not here; reading {} again for it", read.getPinnedVersion(), partition.topic());
                    caughtUp = false;
                    return;
                }
            } else if (record.value() == null) {
                assembler.forget(key.getModel(), key.getVersion());
            } else if (key.getVersion() <= newestSeen) {
                continue; // an old version: its fate is decided
            } else if (key.getChunk() == CheckpointChunks.MANIFEST) {
                Checkpoint manifest = manifest(record);
                if (manifest != null) {
                    newestSeen = key.getVersion();
                    decide(assembler.complete(manifest));
                }
            } else {
                CheckpointChunk chunk = chunk(record);
                if (chunk != null) {
                    assembler.addChunk(chunk);
                }
            }
        }
    }

    private VersionRecord decide(Assembled assembled) {
        if (assembled.ok()) {
            return models.offer(assembled.manifest(), assembled.weights());
        }
        return models.refuse(assembled.manifest(), assembled.failure(), describe(assembled));
    }

    private static String describe(Assembled failed) {
        Checkpoint manifest = failed.manifest();
        return switch (failed.failure()) {
            case "missing-chunks" -> "expected " + manifest.getChunkCount() + " chunks but some are missing";
            case "size-mismatch" -> "the chunks do not add up to the manifest's " + manifest.getSizeBytes() + " bytes";
            case "sha256-mismatch" -> "the reassembled weights do not match the manifest's sha256 " + manifest.getSha256();
            default -> failed.failure();
        };
    }

    private CheckpointKey key(ConsumerRecord<byte[], byte[]> record) {
        return decode(record, record.key(), Codecs.CHECKPOINT_KEY, "undecodable-key");
    }

    private Checkpoint manifest(ConsumerRecord<byte[], byte[]> record) {
        return decode(record, record.value(), Codecs.CHECKPOINT, "undecodable-manifest");
    }

    private ServingDecision servingDecision(ConsumerRecord<byte[], byte[]> record) {
        return decode(record, record.value(), Codecs.SERVING_DECISION, "undecodable-serving-decision");
    }

    private CheckpointChunk chunk(ConsumerRecord<byte[], byte[]> record) {
        return decode(record, record.value(), Codecs.CHECKPOINT_CHUNK, "undecodable-chunk");
    }

    /** The decoded bytes, or null after dead-lettering a record that cannot be decoded. */
    private <T extends SpecificRecordBase> T decode(ConsumerRecord<byte[], byte[]> record, byte[] bytes, AvroCodec<T> codec, String reason) {
        try {
            return codec.decode(bytes);
        } catch (RecordDecodingException e) {
            deadLetterSink.accept(deadLetters.of(record, reason, e.getMessage()));
            return null;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Whatever else decoding throws is this record's fault too: dead-letter it and follow on.
            deadLetterSink.accept(deadLetters.of(record, reason, "decoding failed: " + e));
            return null;
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kdstream.teacher.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.kdstream.core.kafka.ConsumerLag;
import io.kdstream.core.kafka.TransactionErrors;
import io.kdstream.teacher.TeacherMetrics;
import io.kdstream.teacher.TeacherMetrics.Stage;
import io.kdstream.teacher.labels.BatchLabeller;
import io.kdstream.teacher.traffic.TrafficDecoder;
import io.kdstream.teacher.traffic.TrafficRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once consume–label–produce. The poll thread reads traffic, decodes it and forms batches; one inference
 * thread labels each batch (teacher call and encoding) and hands the records back. The poll thread alone drives the
 * Kafka transaction: it sends each labelled batch's soft labels and dead letters into the open transaction, and every
 * {@code commitInterval} adds the consumed offsets ({@code sendOffsetsToTransaction} with the consumer's group
 * metadata, which fences zombies after a rebalance) and commits: labels, dead letters and offsets become visible
 * together or not at all. The teacher keeps working on the next batch while a commit waits for the broker.
 *
 * <p>Batches are labelled and sent in the order they were read, so the offsets in a transaction always cover exactly
 * the records whose outputs it holds. On a failure the transaction is aborted, batches still in flight are dropped
 * and the consumer is rewound to the last committed offsets. Partitions are paused while more than
 * {@code inflightMax} records wait for the teacher, and resumed below half of it.
 */
public final class LabellingLoop implements Runnable, ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(LabellingLoop.class);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** While work is in flight the poll thread looks in this often, to commit soon after a batch is sent. */
    private static final long BUSY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long RETRY_BACKOFF_MS = 500;

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final String trafficTopic;
    private final TrafficDecoder decoder;
    private final BatchLabeller labeller;
    private final Batcher<TrafficRecord> batcher;
    private final int inflightMax;
    private final long commitIntervalNanos;
    private final ConsumerLag lag;
    private final TeacherMetrics metrics;
    private final ExecutorService inference;
    /** When the inference thread finished its last batch, for {@link Stage#IDLE}; inference thread only. */
    private long inferenceFreeSinceNanos;

    /** Records read and not yet handed to the producer (or dropped). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong labelsCommitted = new AtomicLong();
    /** Next offset to read per assigned partition after the last commit: where a rewind goes. Poll thread only. */
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** Labelled batches waiting for the poll thread to send them, in the order they were read. */
    private final Queue<Labelled> labelled = new ConcurrentLinkedQueue<>();

    // Transaction state, touched by the poll thread only.
    private boolean open;
    private long openedAtNanos;
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long uncommittedLabels;
    /** Bumped on every abort: batches labelled for an older generation are dropped. */
    private long generation;
    private RuntimeException failure;

    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile boolean assigned;
    private volatile Throwable fatal;
    private volatile TransactionErrors.Kind fatalKind;

    public LabellingLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, String trafficTopic,
                         TrafficDecoder decoder, BatchLabeller labeller, Batcher<TrafficRecord> batcher, int inflightMax,
                         Duration commitInterval, Runnable inferenceThreadSetup, ConsumerLag lag, TeacherMetrics metrics) {
        this.consumer = consumer;
        this.producer = producer;
        this.trafficTopic = trafficTopic;
        this.decoder = decoder;
        this.labeller = labeller;
        this.batcher = batcher;
        this.inflightMax = inflightMax;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.lag = lag;
        this.metrics = metrics;
        this.inference = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kd-teacher-inference");
            thread.setDaemon(true);
            return thread;
        });
        inference.execute(() -> {
            inferenceThreadSetup.run();
            inferenceFreeSinceNanos = System.nanoTime();
        });
    }

    /** Soft labels in committed transactions so far. */
    public long labelsCommitted() {
        return labelsCommitted.get();
    }

    /** Records read and not yet handed to the producer. */
    public int recordsInFlight() {
        return inFlight.get();
    }

    /** False once the loop has stopped, by {@link #stop()} or a fatal error. */
    public boolean isRunning() {
        return running;
    }

    /** The error that stopped the loop, or null. */
    public Throwable fatalError() {
        return fatal;
    }

    /** True when the error that stopped the loop was another instance taking over the transactional id. */
    public boolean fenced() {
        return fatalKind == TransactionErrors.Kind.FENCED;
    }

    /** True once the consumer has joined its group and been given its partitions (possibly none). */
    public boolean assigned() {
        return assigned;
    }

    /** Asks the loop to finish: label what it has read, commit, leave the group. */
    public void stop() {
        running = false;
    }

    /** Stops like a crash: no commit, the open transaction is left for the broker to abort. For tests. */
    public void halt() {
        halted = true;
        running = false;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(trafficTopic), this);
            while (running) {
                recoverIfFailed();
                applyBackpressure();
                long pollStarted = System.nanoTime();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(pollTimeoutNanos()));
                long decodeStarted = System.nanoTime();
                metrics.stage(Stage.POLL).record(decodeStarted - pollStarted, TimeUnit.NANOSECONDS);
                decodeAndBatch(records, decodeStarted);
                if (batcher.isDue(System.nanoTime())) {
                    submit();
                }
                publishLabelled();
                if (commitDue()) {
                    commit();
                }
                lag.update(consumer);
            }
            if (!halted) {
                flush();
            }
        } catch (Error | RuntimeException e) {
            // The one place where whatever escaped the loop ends it; the service reports itself not live and the
            // process exits non-zero so that a supervisor restarts it.
            fatalKind = TransactionErrors.classify(e);
            fatal = e;
            running = false;
            LOG.error("Teacher labelling stopped: {}", e.toString(), e);
        } finally {
            shutDown();
        }
    }

    /** Decodes each record into the open batch, handing every full batch to the teacher; times decoding alone. */
    private void decodeAndBatch(ConsumerRecords<byte[], byte[]> records, long startedNanos) {
        if (records.isEmpty()) {
            return;
        }
        long decodingNanos = 0;
        long from = startedNanos;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            inFlight.incrementAndGet();
            TrafficRecord decoded = decoder.decodeOrReject(record);
            long now = System.nanoTime();
            decodingNanos += now - from;
            if (batcher.add(decoded, now)) {
                submit();
                now = System.nanoTime();
            }
            from = now;
        }
        metrics.stage(Stage.DECODE).record(decodingNanos, TimeUnit.NANOSECONDS);
    }

    private long pollTimeoutNanos() {
        long now = System.nanoTime();
        long timeout = Math.min(IDLE_POLL_NANOS, batcher.nanosUntilDue(now));
        if (inFlight.get() > 0) {
            timeout = Math.min(timeout, BUSY_POLL_NANOS);
        }
        if (open) {
            timeout = Math.min(timeout, Math.max(0, openedAtNanos + commitIntervalNanos - now));
        }
        return timeout;
    }

    private void applyBackpressure() {
        int waiting = inFlight.get();
        if (waiting >= inflightMax) {
            consumer.pause(consumer.assignment());
        } else if (waiting <= inflightMax / 2 && !consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void submit() {
        List<TrafficRecord> batch = batcher.take();
        long batchGeneration = generation;
        inference.execute(() -> {
            metrics.stage(Stage.IDLE).record(System.nanoTime() - inferenceFreeSinceNanos, TimeUnit.NANOSECONDS);
            try {
                labelled.add(new Labelled(batch, batchGeneration, labeller.label(batch), null));
            } catch (Error | RuntimeException e) {
                labelled.add(new Labelled(batch, batchGeneration, null, new TeacherCallException(e)));
            } finally {
                inferenceFreeSinceNanos = System.nanoTime();
            }
        });
    }

    /** The teacher failed on a batch: not Kafka's doing, so the transaction is aborted and the batch read again. */
    private static final class TeacherCallException extends RuntimeException {

        TeacherCallException(Throwable cause) {
            super("the teacher failed: " + cause, cause);
        }
    }

    /** A batch back from the inference thread: its output, or the error that stopped the teacher. */
    private record Labelled(List<TrafficRecord> batch, long generation, BatchLabeller.Output output, RuntimeException error) {
    }

    /** Sends every batch labelled so far into the open transaction; batches of an aborted generation are dropped. */
    private void publishLabelled() {
        Labelled next;
        while ((next = labelled.poll()) != null) {
            inFlight.addAndGet(-next.batch().size());
            if (next.generation() != generation || failure != null) {
                continue;
            }
            if (next.error() != null) {
                failure = next.error();
                continue;
            }
            long started = System.nanoTime();
            try {
                if (!open) {
                    producer.beginTransaction();
                    open = true;
                    openedAtNanos = System.nanoTime();
                }
                for (ProducerRecord<byte[], byte[]> record : next.output().records()) {
                    producer.send(record);
                }
            } catch (KafkaException e) {
                failure = e;
                continue;
            } finally {
                metrics.stage(Stage.PRODUCE).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
            for (TrafficRecord record : next.batch()) {
                ConsumerRecord<byte[], byte[]> source = record.source();
                uncommitted.put(new TopicPartition(source.topic(), source.partition()), new OffsetAndMetadata(source.offset() + 1));
            }
            uncommittedLabels += next.output().labels();
        }
    }

    private boolean commitDue() {
        return open && failure == null && System.nanoTime() - openedAtNanos >= commitIntervalNanos;
    }

    /** Adds the consumed offsets to the open transaction and commits it; a failure is left for {@link #recoverIfFailed}. */
    private void commit() {
        if (!open || failure != null) {
            return;
        }
        long started = System.nanoTime();
        try {
            producer.sendOffsetsToTransaction(new HashMap<>(uncommitted), consumer.groupMetadata());
            commitTransaction();
        } catch (KafkaException e) {
            failure = e;
            return;
        } finally {
            metrics.stage(Stage.COMMIT).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        open = false;
        uncommitted.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        uncommitted.clear();
        labelsCommitted.addAndGet(uncommittedLabels);
        metrics.labels().increment(uncommittedLabels);
        uncommittedLabels = 0;
    }

    /**
     * Commits, making a timed-out commit again as the producer requires (its outcome is unknown, so it may neither be
     * aborted nor followed by other calls), for as long as the broker is away and the loop is not told to stop.
     */
    private void commitTransaction() {
        TransactionErrors.retryingTimeouts(producer::commitTransaction, this::keepTrying, "teacher's transaction commit");
    }

    private boolean keepTrying() {
        return running && !halted;
    }

    /** After a failed send, labelling error or commit: abort, drop what is in flight, rewind to the last commit. */
    private void recoverIfFailed() {
        RuntimeException cause = failure;
        if (cause == null) {
            return;
        }
        TransactionErrors.Kind kind = cause instanceof TeacherCallException ? TransactionErrors.Kind.ABORTABLE
                : TransactionErrors.classify(cause);
        // Fenced or fatal: stop. A call that timed out while stopping: stop without aborting (the broker aborts an
        // open transaction after transaction.timeout.ms). A timed-out call while running: abort and re-read.
        if (kind == TransactionErrors.Kind.FENCED || kind == TransactionErrors.Kind.FATAL
                || (kind == TransactionErrors.Kind.RETRIABLE && !keepTrying())) {
            throw cause;
        }
        LOG.warn("Aborting the teacher's transaction and re-reading from the last committed offsets: {}", cause.toString());
        abortAndDrop();
        rewind(consumer.assignment());
        sleep(RETRY_BACKOFF_MS);
    }

    private void abortAndDrop() {
        generation++;
        failure = null;
        if (open) {
            TransactionErrors.retryingTimeouts(producer::abortTransaction, this::keepTrying, "teacher's transaction abort");
            open = false;
        }
        uncommitted.clear();
        uncommittedLabels = 0;
        inFlight.addAndGet(-batcher.take().size());
        // Batches still with the teacher come back with the old generation and are dropped.
        awaitIdle();
    }

    private void rewind(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Long offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            }
        }
    }

    /** Labels everything read so far and commits it. */
    private void flush() {
        if (batcher.size() > 0) {
            submit();
        }
        awaitIdle();
        commit();
        recoverIfFailed();
    }

    /** Sends (or drops) batches as they come back until none is left with the teacher. */
    private void awaitIdle() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (true) {
            publishLabelled();
            if (inFlight.get() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(inFlight.get() + " records still wait for the teacher after 60 s");
            }
            sleep(1);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty() || halted || fatal != null) {
            return;
        }
        // Commit what was read from the partitions before their next owner starts from our offsets.
        flush();
        partitions.forEach(committed::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (halted || fatal != null) {
            return;
        }
        // The group has moved on: these offsets can no longer be committed, so nothing read may be published.
        LOG.warn("Teacher lost partitions {}; aborting the open transaction", partitions);
        abortAndDrop();
        partitions.forEach(committed::remove);
        List<TopicPartition> kept = new ArrayList<>(consumer.assignment());
        kept.removeAll(partitions);
        rewind(kept);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            committed.put(partition, consumer.position(partition));
        }
        assigned = true;
        LOG.info("Teacher assigned {}", partitions);
    }

    private void shutDown() {
        inference.shutdown();
        try {
            if (!inference.awaitTermination(30, TimeUnit.SECONDS)) {
                inference.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration grace = halted || fatal != null ? Duration.ZERO : Duration.ofSeconds(10);
        closeQuietly(() -> consumer.close(grace), "consumer");
        closeQuietly(() -> producer.close(grace), "producer");
    }

    private static void closeQuietly(Runnable close, String what) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("Closing the teacher's {} failed: {}", what, e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

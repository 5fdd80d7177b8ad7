package io.kdstream.gateway.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kdstream.core.distill.InvalidSoftLabelException;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.schemas.SoftLabel;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.schemas.serde.RecordDecodingException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the tail of kd-soft-labels on its own thread, without a consumer group or commits, and keeps the newest
 * labels in {@link RecentExamples}. At start it reads only the last few records of each partition, so a gateway
 * joining a long stream has a sample at once without replaying it.
 *
 * <p>Labels that do not decode or validate are skipped and counted, not dead-lettered: the trainer and the monitor
 * read the same records and dead-letter them already.
 */
public final class SoftLabelTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SoftLabelTail.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final RecentExamples examples;
    private final Runnable skipped;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;

    /** @param skipped called once per label that could not be kept */
    public SoftLabelTail(Consumer<byte[], byte[]> consumer, String topic, RecentExamples examples, Runnable skipped) {
        this.consumer = consumer;
        this.topic = topic;
        this.examples = examples;
        this.skipped = skipped;
        this.thread = new Thread(this::run, "kd-gateway-soft-labels");
        this.thread.setDaemon(true);
    }

    public void start() {
        started = true;
        thread.start();
    }

    private void run() {
        try {
            boolean assigned = false;
            while (running) {
                try {
                    if (!assigned) {
                        assigned = assignTail();
                        if (!assigned) {
                            pause();
                            continue;
                        }
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        keep(record);
                    }
                } catch (WakeupException | InterruptException e) {
                    // close() asked us to stop
                    break;
                } catch (AuthenticationException | AuthorizationException e) {
                    // Fatal: an operator must fix credentials or ACLs. Gates then refuse for too few examples; serving goes on.
                    LOG.error("Stopped following {}: {}; promotion gates will find too few examples", topic, e.toString());
                    break;
                } catch (RuntimeException | Error e) {
                    // Anything else (broker away, a consumer bug, out of memory): start over from the tail after a pause.
                    LOG.warn("Following {} failed ({}); starting again from its tail in {} s", topic, e.toString(),
                            RETRY_BACKOFF.toSeconds());
                    assigned = false;
                    pause();
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Assigns every partition and seeks each to its last share of the sample; false when the topic is not there yet. */
    private boolean assignTail() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            return false;
        }
        List<TopicPartition> assigned = new ArrayList<>();
        for (PartitionInfo partition : partitions) {
            assigned.add(new TopicPartition(topic, partition.partition()));
        }
        consumer.assign(assigned);
        long share = Math.max(1, examples.capacity() / assigned.size());
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(assigned);
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        for (TopicPartition partition : assigned) {
            consumer.seek(partition, Math.max(begin.get(partition), end.get(partition) - share));
        }
        return true;
    }

    private void keep(ConsumerRecord<byte[], byte[]> record) {
        try {
            SoftLabel label = Codecs.SOFT_LABEL.decode(record.value());
            float[] teacher = SoftTargets.read(label, label.getClassCount(), 1f);
            Integer trueLabel = label.getTrueLabel();
            examples.add(new LabelledExample(record.partition(), record.offset(), label.getInput(), teacher,
                    trueLabel == null || trueLabel < 0 || trueLabel >= teacher.length ? -1 : trueLabel));
        } catch (RecordDecodingException | InvalidSoftLabelException | NullPointerException e) {
            LOG.debug("Skipped label at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
            skipped.run();
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

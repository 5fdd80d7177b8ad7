package io.kdstream.app.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kdstream.app.demo.Pipeline;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.Replay;
import io.kdstream.app.replay.TrafficSink;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.task.TaskContract;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointKey;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code kd bench freshness}: how long after a traffic event the gateway serves a checkpoint that trained on it,
 * on the embedded default.
 *
 * <p>Replay sends events at a steady rate and remembers when it sent each. The benchmark watches the gateway and
 * notes when each checkpoint version starts being served; the checkpoint's lineage says the newest event time it
 * trained on. An event counts as served by the first served checkpoint whose newest trained event time is at or
 * after the event's own (the trainer consumes in time order within a partition, so this is exact up to the
 * interleaving of partitions). Freshness is that serving time minus the event time; events no checkpoint reached
 * before the end are reported as {@code unserved}.
 */
public final class FreshnessBenchmark {

    /**
     * @param checkpointInterval the trainer's checkpoint interval (the goal is set for 2 s)
     * @param warmUp             traffic sent before measuring starts, so start-up costs are not counted
     */
    public record Settings(Path teacherDir, Duration duration, Duration warmUp, double rate, Duration checkpointInterval) {
    }

    private FreshnessBenchmark() {
    }

    public static Map<String, Object> run(Settings settings) throws InterruptedException {
        Pipeline.Settings pipelineSettings = new Pipeline.Settings(4,
                Map.of(TeacherConfig.TEACHER_DIR, settings.teacherDir().toString()),
                Map.of(TrainerConfig.CHECKPOINT_INTERVAL_MS, settings.checkpointInterval().toMillis()),
                Map.of("http.port", 0),
                Map.of());
        List<long[]> servedAt = new ArrayList<>();
        long[] sentAt;
        long measuredFrom;
        Map<Long, Published> published;
        Map<String, Object> gate;
        long trafficEnd;
        try (Pipeline pipeline = Pipeline.start(pipelineSettings)) {
            TimedSink sink = new TimedSink(new KafkaTrafficSink(Map.of("bootstrap.servers", pipeline.bootstrapServers()),
                    Topics.DEFAULT.traffic(), "kd-bench-freshness"), (int) (settings.rate() * (settings.duration().toSeconds() + 5)));
            try (Replay replay = new Replay(sink, FashionMnist.load(FashionMnist.Split.TRAIN), settings.rate(), 0, Drift.NONE)) {
                replay.start();
                long started = System.currentTimeMillis();
                measuredFrom = started + settings.warmUp().toMillis();
                long end = started + settings.duration().toMillis();
                trafficEnd = end;
                long lastVersion = -1;
                boolean trafficStopped = false;
                // Keep watching a little past the end of traffic, so the last events have a chance to be served.
                while (System.currentTimeMillis() < end + settings.checkpointInterval().toMillis() * 3) {
                    if (!trafficStopped && System.currentTimeMillis() >= end) {
                        replay.close();
                        trafficStopped = true;
                    }
                    long version = pipeline.gateway().servedVersion();
                    if (version != lastVersion) {
                        servedAt.add(new long[]{version, System.currentTimeMillis()});
                        lastVersion = version;
                    }
                    Thread.sleep(10);
                }
            }
            sentAt = sink.sentTimes();
            published = publishedCheckpoints(pipeline.bootstrapServers());
            gate = gateFigures(pipeline.registry());
        }
        Map<String, Object> figures = figures(settings, sentAt, measuredFrom, trafficEnd, servedAt, published);
        figures.putAll(gate);
        return figures;
    }

    /** A checkpoint the trainer published: when, and the newest event time it trained on. */
    record Published(long version, long createdMillis, long eventTimeMax) {
    }

    static Map<String, Object> figures(Settings settings, long[] sentAt, long measuredFrom, long trafficEnd,
                                       List<long[]> servedAt, Map<Long, Published> published) {
        // Serving times in order, each with the newest event time its checkpoint trained on (never decreasing).
        TreeMap<Long, Long> servedByEventTime = new TreeMap<>();
        java.util.Set<Long> servedVersions = new java.util.HashSet<>();
        for (long[] served : servedAt) {
            Published checkpoint = published.get(served[0]);
            if (checkpoint != null) {
                servedByEventTime.putIfAbsent(checkpoint.eventTimeMax(), served[1]);
                servedVersions.add(checkpoint.version());
            }
        }
        // Of the checkpoints published while measured traffic flowed, how many the gateway ever served: a checkpoint
        // skipped (the gateway went straight to a newer one) or refused by the gate counts as not served.
        List<Published> inWindow = published.values().stream()
                .filter(checkpoint -> checkpoint.createdMillis() >= measuredFrom && checkpoint.createdMillis() <= trafficEnd)
                .toList();
        long servedInWindow = inWindow.stream().filter(checkpoint -> servedVersions.contains(checkpoint.version())).count();
        List<Double> freshness = new ArrayList<>();
        long unserved = 0;
        for (long sent : sentAt) {
            if (sent < measuredFrom) {
                continue;
            }
            Map.Entry<Long, Long> first = servedByEventTime.ceilingEntry(sent);
            if (first == null) {
                unserved++;
            } else {
                freshness.add((first.getValue() - sent) / 1000.0);
            }
        }
        double[] sorted = freshness.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate_per_s", settings.rate());
        out.put("checkpoint_interval_s", settings.checkpointInterval().toMillis() / 1000.0);
        out.put("duration_s", settings.duration().toSeconds());
        out.put("events_measured", sorted.length);
        out.put("events_unserved", unserved);
        out.put("checkpoints_published", inWindow.size());
        out.put("checkpoints_served", servedInWindow);
        out.put("served_share", inWindow.isEmpty() ? null : Math.round(1000.0 * servedInWindow / inWindow.size()) / 1000.0);
        out.put("p50_s", percentile(sorted, 0.50));
        out.put("p99_s", percentile(sorted, 0.99));
        out.put("max_s", sorted.length == 0 ? null : sorted[sorted.length - 1]);
        out.put("longest_gap_between_served_s", longestGap(servedAt, measuredFrom, trafficEnd));
        out.put("goal_p50_s", 2.0);
        out.put("goal_p99_s", 10.0);
        out.put("goal_served_share", 0.9);
        return out;
    }

    private static Double percentile(double[] sorted, double quantile) {
        if (sorted.length == 0) {
            return null;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    /**
     * The gateway's swap decisions (swapped, refused by the holdout gate, ...) and paired-gate decisions by outcome and
     * reason, and how long gating took: what can hold a checkpoint back.
     */
    private static Map<String, Object> gateFigures(MeterRegistry registry) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("swap_decisions", countsByOutcome(registry, GatewayMetrics.SWAPS));
        out.put("gate_decisions", countsByOutcome(registry, GatewayMetrics.GATE_DECISIONS));
        double maxSeconds = registry.find(GatewayMetrics.GATE_DURATION).timers().stream()
                .mapToDouble(timer -> timer.max(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0).max().orElse(0);
        out.put("gate_max_s", maxSeconds);
        return out;
    }

    private static Map<String, Long> countsByOutcome(MeterRegistry registry, String counter) {
        Map<String, Long> counts = new TreeMap<>();
        registry.find(counter).counters().forEach(found -> counts.merge(
                found.getId().getTag("outcome") + "/" + found.getId().getTag("reason"), (long) found.count(), Long::sum));
        return counts;
    }

    /** The longest stretch, in seconds, between two changes of the served version while measured traffic flowed. */
    static double longestGap(List<long[]> servedAt, long from, long to) {
        long previous = from;
        long longest = 0;
        for (long[] served : servedAt) {
            if (served[1] < from || served[1] > to) {
                continue;
            }
            longest = Math.max(longest, served[1] - previous);
            previous = served[1];
        }
        return Math.max(longest, to - previous) / 1000.0;
    }

    private static Map<Long, Published> publishedCheckpoints(String bootstrap) {
        Map<Long, Published> published = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : BenchStreams.readCheckpointTopic(bootstrap, "kd-bench-freshness-checkpoints")) {
            CheckpointKey key = Codecs.CHECKPOINT_KEY.decode(record.key());
            if (key.getChunk() == -1 && record.value() != null) {
                Checkpoint checkpoint = Codecs.CHECKPOINT.decode(record.value());
                Long eventTime = checkpoint.getLineage().getEventTimeMax();
                if (eventTime != null) {
                    published.put(key.getVersion(), new Published(key.getVersion(), checkpoint.getCreatedTime().toEpochMilli(), eventTime));
                }
            }
        }
        return published;
    }

    /** Remembers when each event was handed on; replay stamps events with the time it sends them. */
    private static final class TimedSink implements TrafficSink {
        private final TrafficSink inner;
        private long[] times;
        private int count;

        TimedSink(TrafficSink inner, int expected) {
            this.inner = inner;
            this.times = new long[Math.max(expected, 1024)];
        }

        @Override
        public synchronized void send(String requestId, TaskContract task, LabeledExample example) {
            if (count == times.length) {
                times = Arrays.copyOf(times, times.length * 2);
            }
            times[count++] = System.currentTimeMillis();
            inner.send(requestId, task, example);
        }

        synchronized long[] sentTimes() {
            return Arrays.copyOf(times, count);
        }

        @Override
        public void flush() {
            inner.flush();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}

package io.kdstream.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ai.djl.Device;
import io.kdstream.app.data.ShippedTeachers;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.config.ServiceConfig;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Devices;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.schemas.TrafficEvent;
import io.kdstream.schemas.TrafficSource;
import io.kdstream.schemas.serde.Codecs;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.teacher.TeacherService;
import io.kdstream.teacher.model.Teacher;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.model.Teachers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kd bench teacher}: how close end-to-end labelling through Kafka comes to the teacher's own speed.
 *
 * <ul>
 *   <li><b>raw</b>: the teacher alone on in-memory float batches through DJL, on a thread set up like the service's
 *       inference thread: the upper bound.</li>
 *   <li><b>pipeline</b>: a backlog of UINT8 traffic events sent to an embedded broker and labelled by a warmed-up
 *       {@link TeacherService}; the rate is events over the time from the first send to the last soft label a
 *       read_committed consumer receives, so it includes the final transaction commit.</li>
 *   <li><b>latency</b>: events sent at half the slower of the two rates; each one's time from send to its soft label
 *       arriving at the read_committed consumer gives p50 and p99.</li>
 * </ul>
 * Raw and pipeline run in alternating rounds, so that both see the same mix of other load on a shared machine; each
 * round gives a ratio (pipeline rate over raw rate) and the figure is their median. The broker runs in both phases and
 * is idle during raw: the pipeline's Kafka work (broker, producer, consumer) is what it costs, and it gets the cores
 * the teacher's one inference thread leaves free, as in a deployment. The service's stage timers say where the
 * pipeline's time went ({@code stages_us_per_label}), and CPU time per label by thread role
 * ({@code cpu_us_per_label}) what it cost, in a form that survives other load (see {@link PipelineProfile}).
 */
public final class TeacherBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TeacherBenchmark.class);
    private static final float TEMPERATURE = 4f;
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);
    /** The pipeline rate is taken between the 10th and 90th percent of each round's labels: steady state. */
    private static final double STEADY_FROM = 0.1;
    private static final double STEADY_SHARE = 0.8;
    /** Warm-up ends once the JIT compiler's time during a round falls below this share of the round's wall time. */
    private static final double JIT_QUIET_SHARE = 0.05;
    private static final int WARMUP_ROUNDS_MAX = 12;
    /** Raw teacher work per round when the round size is automatic. */
    static final int ROUND_SECONDS = 4;

    private TeacherBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param examples     events labelled by each of raw and pipeline, over all rounds; 0 sizes each round to about
     *                     {@value #ROUND_SECONDS} s of the teacher's raw work, so that the fixed costs of a round (the
     *                     last commit, the reader's fetch) weigh the same on fast and slow machines
     * @param batchSize    the teacher's batch (the service's batch.max)
     * @param teacherDir   a trained teacher's folder, or null to use {@code architecture}
     * @param architecture used when {@code teacherDir} is null: an untrained model of this spec (speed does not
     *                     depend on the weights' values); null means the trained teacher in the default folder
     * @param partitions   partitions of the traffic topic
     * @param rounds       alternating raw and pipeline rounds
     * @param device       auto, cpu or gpu
     * @param overrides    further teacher-service settings (TeacherConfig keys), e.g. {@code commit.interval.ms}
     */
    public record Settings(int examples, int batchSize, Path teacherDir, String architecture, int partitions, int rounds,
                           String device, Map<String, String> overrides) {

        public static Settings defaults() {
            return new Settings(0, 64, null, null, 2, 5, "auto", Map.of());
        }

        public Settings {
            if (batchSize < 1 || rounds < 1 || examples != 0 && examples < batchSize * rounds) {
                throw new IllegalArgumentException("need batch size >= 1, rounds >= 1 and examples 0 (auto) or >= batch size x rounds, but got "
                        + examples + " examples, batch " + batchSize + ", " + rounds + " rounds");
            }
            overrides = Map.copyOf(overrides);
        }
    }

    /** Runs the phases and returns the figures, in the order they are printed. */
    public static LinkedHashMap<String, Object> run(Settings settings) {
        Path scratch = scratchFolder();
        try {
            return run(settings, teacherDir(settings, scratch));
        } finally {
            deleteRecursively(scratch);
        }
    }

    private static LinkedHashMap<String, Object> run(Settings settings, Path teacherDir) {
        LabeledImages images = FashionMnist.load(FashionMnist.Split.TEST);
        Device device = Devices.choose(settings.device(), "benchmark teacher");
        ExecutorService rawThread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, PipelineProfile.RAW_THREAD));
        LinkedHashMap<String, Object> figures = new LinkedHashMap<>();
        try (Teacher teacher = Teachers.fromStore(new TeacherStore(teacherDir), device);
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            Topics topics = Topics.DEFAULT;
            kafka.createTopics(topics.definitions(settings.partitions(), (short) 1));
            Map<String, Object> clientBase = Map.of("bootstrap.servers", kafka.bootstrapServers());
            TeacherConfig config = new TeacherConfig(serviceSettings(settings, teacherDir, kafka.bootstrapServers()));
            int threads = config.inferenceThreads();
            rawThread.submit(TeacherService.inferenceThreadSetup(threads));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (TeacherService service = new TeacherService(config, registry);
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(trafficProducerSettings(clientBase, settings), "bench-traffic"));
                 LabelReader labels = new LabelReader(clientBase, topics.softLabels())) {
                service.start();
                int probe = Math.max(settings.batchSize() * 10, 500);
                long probeNanos = onThread(rawThread, () -> rawNanos(teacher, images, settings.batchSize(), probe));
                int perRound = settings.examples() > 0 ? settings.examples() / settings.rounds()
                        : autoRoundSize(probe / (probeNanos / 1e9), settings.batchSize());
                // Rounds of both phases until the JIT is quiet: a minute into a run the compiler threads still took
                // more CPU than the broker (the broker's code is large), and the first rounds ran at half the ratio.
                long expected = 0;
                int warmupRounds = 0;
                double jitShare;
                do {
                    PipelineProfile warming = new PipelineProfile(registry);
                    warming.begin();
                    onThread(rawThread, () -> rawNanos(teacher, images, settings.batchSize(), perRound));
                    send(producer, topics, images, "warmup" + warmupRounds, perRound, 0, null);
                    expected += perRound;
                    labels.awaitCount(expected);
                    warming.end();
                    jitShare = warming.jitShare();
                    warmupRounds++;
                } while (jitShare > JIT_QUIET_SHARE && warmupRounds < WARMUP_ROUNDS_MAX);
                long rawNanos = 0;
                long steadyNanos = 0;
                long drainNanos = 0;
                List<Double> roundRatios = new ArrayList<>();
                PipelineProfile profile = new PipelineProfile(registry);
                PipelineProfile rawProfile = new PipelineProfile(registry);
                for (int round = 0; round < settings.rounds(); round++) {
                    rawProfile.begin();
                    long roundRaw = onThread(rawThread, () -> rawNanos(teacher, images, settings.batchSize(), perRound));
                    rawProfile.end();
                    long from = expected;
                    long started = System.nanoTime();
                    profile.begin();
                    send(producer, topics, images, "run" + round, perRound, 0, null);
                    expected += perRound;
                    long[] steady = labels.awaitSteadyWindow(from, perRound);
                    steadyNanos += steady[1] - steady[0];
                    long roundDrain = labels.awaitCount(expected) - started;
                    profile.end();
                    rawNanos += roundRaw;
                    drainNanos += roundDrain;
                    roundRatios.add(round((double) roundRaw / roundDrain));
                }
                long measured = (long) perRound * settings.rounds();
                double raw = measured / (rawNanos / 1e9);
                double pipeline = measured / (drainNanos / 1e9);
                figures.put("teacher", teacher.id());
                figures.put("teacher_version", teacher.version());
                figures.put("raw_per_s", round(raw));
                figures.put("pipeline_per_s", round(pipeline));
                figures.put("ratio", round(median(roundRatios)));
                figures.put("ratio_min", round(roundRatios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)));
                figures.put("round_ratios", roundRatios);
                figures.put("ratio_overall", round(pipeline / raw));
                figures.put("pipeline_steady_per_s", round(STEADY_SHARE * measured / (steadyNanos / 1e9)));
                figures.put("raw_us_per_label", round(rawNanos / 1e3 / measured));
                figures.put("pipeline_us_per_label", round(drainNanos / 1e3 / measured));
                figures.put("stages_us_per_label", profile.stageMicrosPerLabel(measured));
                figures.put("cpu_us_per_label", profile.cpuMicrosPerLabel(measured));
                figures.put("cores_busy", profile.coresBusy());
                figures.put("inference_busy_share", profile.inferenceBusyShare());
                figures.put("raw_cpu_us_per_label", rawProfile.cpuMicrosPerLabel(measured));
                figures.put("warmup_rounds", warmupRounds);
                figures.put("jit_share_last_warmup", round(jitShare));
                figures.put("jit_share_measured", profile.jitShare());

                int latencyEvents = Math.max(perRound * settings.rounds() / 4, 200);
                // Half of what the slower stage managed, so latency measures the pipeline, not a queue.
                double rate = Math.min(pipeline, raw) / 2;
                Map<String, Long> sentAt = new ConcurrentHashMap<>();
                labels.track(sentAt);
                send(producer, topics, images, "latency", latencyEvents, rate, sentAt);
                labels.awaitCount(expected + latencyEvents);
                double[] latencies = labels.latenciesMs();
                Arrays.sort(latencies);
                figures.put("p50_ms", round(percentile(latencies, 0.50)));
                figures.put("p99_ms", round(percentile(latencies, 0.99)));
                figures.put("batch_size", settings.batchSize());
                figures.put("examples", perRound * settings.rounds());
                figures.put("examples_per_round", perRound);
                figures.put("rounds", settings.rounds());
                figures.put("latency_rate_per_s", round(rate));
                figures.put("labels_produced", service.labelsProduced());
                figures.put("partitions", settings.partitions());
                figures.put("inference_threads", threads);
                figures.put("commit_interval_ms", config.commitIntervalMs());
                figures.put("device", device.toString());
                figures.put("cpus", Runtime.getRuntime().availableProcessors());
            }
        } finally {
            rawThread.shutdownNow();
        }
        return figures;
    }

    /** Events per round: about {@value #ROUND_SECONDS} s of raw work, whole batches, between 1,000 and 50,000. */
    static int autoRoundSize(double rawPerSecond, int batch) {
        long events = Math.round(rawPerSecond * ROUND_SECONDS / batch) * batch;
        return (int) Math.max(Math.min(events, 50_000), Math.max(1_000, batch));
    }

    /** Nanoseconds the teacher alone takes for {@code examples} examples (whole batches) already in memory as floats. */
    static long rawNanos(Teacher teacher, LabeledImages images, int batch, int examples) {
        int size = teacher.inputSize();
        int batches = Math.max(1, examples / batch);
        float[][] inputs = new float[Math.min(batches, 16)][batch * size];
        for (int b = 0; b < inputs.length; b++) {
            for (int i = 0; i < batch; i++) {
                images.writeUnitFloats((b * batch + i) % images.count(), inputs[b], i * size);
            }
        }
        long started = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            teacher.probabilities(inputs[i % inputs.length], batch, TEMPERATURE);
        }
        // Scaled to the examples asked for when they are not a whole number of batches.
        return (long) ((System.nanoTime() - started) * ((double) examples / (batches * batch)));
    }

    private static long onThread(ExecutorService thread, Callable<Long> task) {
        return onThread(thread, task, "the teacher failed during the raw phase");
    }

    /** Runs {@code task} on {@code thread} (set up like the service's inference thread) and waits for its result. */
    static <T> T onThread(ExecutorService thread, Callable<T> task, String failure) {
        try {
            return thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(failure + ": " + e.getCause(), e.getCause());
        }
    }

    /** The traffic producer uses the service's compression setting, so both sides of the broker do the same work. */
    private static Map<String, Object> trafficProducerSettings(Map<String, Object> clientBase, Settings settings) {
        Map<String, Object> producer = new HashMap<>(clientBase);
        String compression = settings.overrides().get(ServiceConfig.KAFKA_PREFIX + "compression.type");
        if (compression != null) {
            producer.put("compression.type", compression);
        }
        return producer;
    }

    private static Map<String, Object> serviceSettings(Settings settings, Path teacherDir, String bootstrap) {
        Map<String, Object> service = new HashMap<>();
        service.put("bootstrap.servers", bootstrap);
        service.put("teacher.dir", teacherDir.toString());
        service.put("device", settings.device());
        service.put("batch.max", settings.batchSize());
        service.put("batch.max.gpu", settings.batchSize());
        service.put("inflight.max.records", Math.max(1024, 4 * settings.batchSize()));
        service.put("group.id", "kd-bench-teacher");
        service.putAll(settings.overrides());
        return service;
    }

    /**
     * Sends {@code count} traffic events; at {@code ratePerSecond} when positive, else as fast as the producer takes them.
     * Records each event's send time in {@code sentAt} when given.
     */
    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, LabeledImages images, String prefix,
                             int count, double ratePerSecond, Map<String, Long> sentAt) {
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (ratePerSecond > 0) {
                long due = started + (long) (i / ratePerSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(wait);
                }
            }
            int item = i % images.count();
            String requestId = prefix + "-" + i;
            TrafficEvent event = new TrafficEvent(requestId, Instant.now(),
                    Tensors.uint8(images.image(item), 1, images.height(), images.width()), images.labels()[item], TrafficSource.REPLAY, null);
            if (sentAt != null) {
                sentAt.put(requestId, System.nanoTime());
            }
            producer.send(new ProducerRecord<>(topics.traffic(), requestId.getBytes(StandardCharsets.UTF_8),
                    Codecs.TRAFFIC_EVENT.encode(event)));
        }
        producer.flush();
    }

    /** A read_committed consumer of the soft-label topic on its own thread, counting labels and timing tracked ones. */
    private static final class LabelReader implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private final List<Double> latenciesMs = new ArrayList<>();
        private volatile Map<String, Long> tracked;
        private volatile boolean running = true;
        private long count;
        /** When each label arrived, in arrival order. */
        private long[] arrivals = new long[1 << 14];

        LabelReader(Map<String, Object> clientBase, String topic) {
            consumer = new KafkaConsumer<>(KafkaClients.consumer(clientBase, "bench-reader-" + UUID.randomUUID(), "bench-reader"));
            consumer.subscribe(List.of(topic));
            thread = new Thread(this::read, "bench-label-reader");
            thread.setDaemon(true);
            thread.start();
        }

        void track(Map<String, Long> sentAt) {
            tracked = sentAt;
        }

        private void read() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    Map<String, Long> sentAt = tracked;
                    synchronized (this) {
                        if (count == arrivals.length) {
                            arrivals = Arrays.copyOf(arrivals, arrivals.length * 2);
                        }
                        arrivals[(int) count++] = now;
                        if (sentAt != null) {
                            Long sent = sentAt.get(new String(record.key(), StandardCharsets.UTF_8));
                            if (sent != null) {
                                latenciesMs.add((now - sent) / 1e6);
                            }
                        }
                    }
                }
            }
        }

        /** Waits until {@code expected} labels arrived; returns when the {@code expected}-th did. */
        long awaitCount(long expected) {
            long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (this) {
                    if (count >= expected) {
                        return arrivals[(int) expected - 1];
                    }
                }
                sleepNanos(5_000_000);
            }
            throw new IllegalStateException("only " + count + " of " + expected + " soft labels arrived within " + PHASE_TIMEOUT);
        }

        /**
         * Waits for the round of {@code size} labels that starts after label {@code from}, and returns when its
         * 10% and 90% marks arrived.
         */
        long[] awaitSteadyWindow(long from, int size) {
            long first = from + (long) Math.ceil(STEADY_FROM * size);
            long last = first + (long) (STEADY_SHARE * size);
            long startedAt = awaitCount(first);
            return new long[]{startedAt, awaitCount(last)};
        }

        synchronized double[] latenciesMs() {
            return latenciesMs.stream().mapToDouble(Double::doubleValue).toArray();
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.close();
        }
    }

    /**
     * The teacher to measure: the folder given, the default teacher (installing the one kd ships, as {@code kd demo}
     * does, so a fresh clone can run the benchmark), or an untrained model saved to scratch.
     */
    private static Path teacherDir(Settings settings, Path scratch) {
        if (settings.teacherDir() != null) {
            return settings.teacherDir();
        }
        if (settings.architecture() == null) {
            TeacherStore store = new TeacherStore(TeacherStore.defaultDir());
            if (!store.exists()) {
                ShippedTeachers.install(BuiltInTasks.FASHION_MNIST, store);
            }
            return store.dir();
        }
        Architecture architecture = Architecture.parse(settings.architecture());
        byte[] weights;
        try (Learner untrained = new Learner(architecture, Device.cpu(), new DistillationLoss(1f, 0f), OptimizerSettings.DEFAULT, null)) {
            weights = untrained.weights();
        }
        String sha256 = WeightsCodec.sha256(weights);
        Path dir = scratch.resolve("teacher");
        new TeacherStore(dir).save(new TeacherManifest("bench-" + architecture.kind(), TeacherManifest.versionOf(sha256),
                architecture.spec(), WeightsCodec.FORMAT, 0, architecture.parameterCount(), 0,
                Instant.now().toString(), 0, sha256), weights);
        LOG.info("Benchmarking an untrained {} (speed does not depend on the weights)", architecture);
        return dir;
    }

    /** The middle value (the mean of the two middle ones for an even count). */
    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double percentile(double[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        }
    }

    private static Path scratchFolder() {
        try {
            return Files.createTempDirectory("kd-bench-teacher-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder for the benchmark", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.getMessage());
        }
    }
}

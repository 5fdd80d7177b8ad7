package io.kdstream.app.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import ai.djl.Device;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.checkpoint.CheckpointChunks;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.gateway.Gateway;
import io.kdstream.gateway.GatewayConfig;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.CheckpointChunk;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.serde.Codecs;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Closed-loop HTTP load on the serving gateway over loopback, in one run: N clients each send one single-input
 * predict request at a time, as fast as answers come back, for a fixed time in each phase.
 *
 * <ol>
 *   <li>{@code one_client}: a single client, no swaps: the baseline that micro-batching improves on.</li>
 *   <li>{@code no_swaps}: N clients; the served checkpoint never changes.</li>
 *   <li>{@code swaps_every_second}: a new checkpoint is published to the checkpoint topic of an embedded broker
 *       every second, exactly as the trainer publishes one (chunks and manifest in one transaction), so each swap
 *       takes the whole production path: Kafka, reassembly, sha256, gates, load, golden batch, atomic swap.</li>
 *   <li>{@code fast_swaps}: to reach a thousand swaps quickly, checkpoints are fed straight to
 *       {@link Gateway#offer}, the entry point the follower calls after reassembly (gates, load, golden batch,
 *       swap, release of the old native model), back to back while the load goes on.</li>
 * </ol>
 * A warm-up phase (load and a swap a second) runs first and is not reported. Weights are built before the load
 * starts. Memory growth is measured from the start of {@code swaps_every_second} to the end of {@code fast_swaps},
 * so it spans every reported swap. Resident memory is read from {@code /proc/self/status} (VmRSS) after
 * a garbage collection, so heap that has merely not been collected yet does not count as growth.
 */
public final class GatewayBenchmark {

    private static final String MODEL = "student";
    private static final int INPUT_SIZE = 784;
    private static final int BODIES = 64;

    private final int clients;
    private final Duration phase;
    private final int fastSwaps;
    private final PrintStream progress;

    /**
     * @param clients   concurrent closed-loop clients
     * @param phase     how long the first two phases each run
     * @param fastSwaps swaps made in the last phase (at least 1,000 for the memory goal)
     * @param progress  where one line per phase is printed
     */
    public GatewayBenchmark(int clients, Duration phase, int fastSwaps, PrintStream progress) {
        this.clients = clients;
        this.phase = phase;
        this.fastSwaps = fastSwaps;
        this.progress = progress;
    }

    /** Runs every phase and returns the figures, ready to be written as JSON. */
    public LinkedHashMap<String, Object> run() {
        byte[][] weights = {initialWeights(), initialWeights()};
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            kafka.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
            PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
            try (Publisher publisher = new Publisher(kafka.bootstrapServers());
                 // No teacher labels this stream, so the paired gate (measured by kd bench gates) is off.
                 Gateway gateway = new Gateway(new GatewayConfig(Map.of(
                         "bootstrap.servers", kafka.bootstrapServers(),
                         GatewayConfig.HTTP_HOST, "127.0.0.1",
                         GatewayConfig.HTTP_PORT, "0",
                         GatewayConfig.GATE_PAIRED, "false")), registry)) {
                gateway.start();
                AtomicLong version = new AtomicLong(1);
                publisher.publish(manifest(version.get(), weights[0]), weights[0]);
                waitFor(() -> gateway.servedVersion() == 1, Duration.ofSeconds(60), "the first checkpoint to be served");
                URI predict = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/predict");
                Load load = new Load(predict, clients);
                Phases phases = new Phases(gateway, registry);

                Load.Background swapEverySecond = stop -> {
                    long due = System.nanoTime();
                    while (!stop.get()) {
                        due += Duration.ofSeconds(1).toNanos(); // a fixed rate, whatever a publication takes
                        sleep(Duration.ofNanos(Math.max(0, due - System.nanoTime())));
                        long next = version.incrementAndGet();
                        byte[] bytes = weights[(int) (next % 2)];
                        publisher.publish(manifest(next, bytes), bytes);
                    }
                };
                // Warm-up, not reported: JIT, connections, heap, and the swap path's first allocations.
                load.run(phase, swapEverySecond);
                LinkedHashMap<String, Object> result = new LinkedHashMap<>();
                result.put("clients", clients);
                result.put("phase_seconds", phase.toSeconds());
                result.put("architecture", Architecture.FASHION_STUDENT.spec());
                result.put("weights_bytes", weights[0].length);

                Map<String, Object> alone = phases.measure("one_client", () -> new Load(predict, 1).run(phase, null));
                Map<String, Object> still = phases.measure("no_swaps", () -> load.run(phase, null));
                Map<String, Object> everySecond = phases.measure("swaps_every_second", () -> load.run(phase, swapEverySecond));
                long target = gateway.swaps() + fastSwaps;
                Map<String, Object> fast = phases.measure("fast_swaps", () -> load.runUntil(stop -> {
                    while (!stop.get() && gateway.swaps() < target) {
                        long next = version.incrementAndGet();
                        byte[] bytes = weights[(int) (next % 2)];
                        gateway.offer(manifest(next, bytes), bytes);
                    }
                }));
                result.put("one_client", alone);
                result.put("no_swaps", still);
                result.put("swaps_every_second", everySecond);
                result.put("fast_swaps", fast);
                double p99Ratio = (double) everySecond.get("p99_ms") / (double) still.get("p99_ms");
                long rssStart = (long) everySecond.get("rss_before_bytes");
                long rssEnd = (long) fast.get("rss_after_bytes");
                double growth = (double) (rssEnd - rssStart) / rssStart;
                long errors = (long) still.get("errors") + (long) everySecond.get("errors") + (long) fast.get("errors");
                long swaps = (long) everySecond.get("swaps") + (long) fast.get("swaps");
                result.put("p99_ratio", round(p99Ratio));
                result.put("throughput_scaling", round((double) still.get("requests_per_s") / (double) alone.get("requests_per_s")));
                result.put("total_swaps", swaps);
                result.put("rss_growth_ratio", round(growth));
                result.put("swap_path", "swaps_every_second: published to the embedded broker like the trainer does; "
                        + "fast_swaps: fed to Gateway.offer, the follower's entry point after reassembly");
                Map<String, Object> goals = new LinkedHashMap<>();
                goals.put("errors_zero", errors == 0);
                goals.put("p99_ratio_at_most_1_25", p99Ratio <= 1.25);
                goals.put("rss_growth_below_10_percent_after_1000_swaps", swaps >= 1000 && growth < 0.10);
                result.put("goals", goals);
                return result;
            }
        }
    }

    /** Runs phases and reads the figures of each: load, swaps, batch sizes, resident memory. */
    private final class Phases {

        private final Gateway gateway;
        private final PrometheusMeterRegistry registry;

        Phases(Gateway gateway, PrometheusMeterRegistry registry) {
            this.gateway = gateway;
            this.registry = registry;
        }

        Map<String, Object> measure(String name, Supplier<Load.Result> phaseRun) {
            long rssBefore = residentBytes();
            long heapBefore = Runtime.getRuntime().totalMemory();
            long swapsBefore = gateway.swaps();
            DistributionSummary batches = registry.get(GatewayMetrics.BATCH_SIZE).summary();
            long callsBefore = batches.count();
            double examplesBefore = batches.totalAmount();
            Load.Result load = phaseRun.get();
            long swaps = gateway.swaps() - swapsBefore;
            double meanBatch = (batches.totalAmount() - examplesBefore) / Math.max(1, batches.count() - callsBefore);
            long rssAfter = residentBytes();
            long heapAfter = Runtime.getRuntime().totalMemory();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("seconds", round(load.seconds()));
            figures.put("requests", load.requests());
            figures.put("requests_per_s", round(load.requests() / load.seconds()));
            figures.put("p50_ms", round(load.percentileMs(0.50)));
            figures.put("p99_ms", round(load.percentileMs(0.99)));
            figures.put("max_ms", round(load.percentileMs(1.0)));
            figures.put("errors", load.errors());
            figures.put("swaps", swaps);
            figures.put("mean_batch_size", round(meanBatch));
            figures.put("rss_before_bytes", rssBefore);
            figures.put("rss_after_bytes", rssAfter);
            figures.put("heap_committed_before_bytes", heapBefore);
            figures.put("heap_committed_after_bytes", heapAfter);
            progress.printf("%-20s %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  swaps %4d  batch %5.2f  RSS %d -> %d MiB"
                    + " (heap %d -> %d MiB)%n", name, load.requests() / load.seconds(), load.percentileMs(0.5),
                    load.percentileMs(0.99), load.errors(), swaps, meanBatch, rssBefore >> 20, rssAfter >> 20,
                    heapBefore >> 20, heapAfter >> 20);
            return figures;
        }
    }

    /** N closed-loop clients over one HTTP/1.1 client; each phase collects every latency. */
    private static final class Load {

        record Result(double seconds, long requests, long errors, long[] latenciesNanos) {

            double percentileMs(double p) {
                if (latenciesNanos.length == 0) {
                    return Double.NaN;
                }
                int index = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p * latenciesNanos.length) - 1);
                return latenciesNanos[Math.max(0, index)] / 1e6;
            }
        }

        /** Work running beside the load until told to stop. */
        interface Background {
            void run(AtomicBoolean stop) throws Exception;
        }

        private final URI uri;
        private final int clients;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final byte[][] bodies = bodies();

        Load(URI uri, int clients) {
            this.uri = uri;
            this.clients = clients;
        }

        Result run(Duration duration, Background background) {
            return drive(background, stop -> {
                sleep(duration);
                stop.set(true);
            });
        }

        /** Runs until the background work finishes. */
        Result runUntil(Background background) {
            return drive(null, background::run);
        }

        private Result drive(Background beside, Background clock) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong errors = new AtomicLong();
            List<long[]> perClient = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(clients);
            for (int c = 0; c < clients; c++) {
                LongList latencies = new LongList();
                perClient.add(null);
                int index = c;
                started(new Thread(() -> {
                    int next = index;
                    while (!stop.get()) {
                        long started = System.nanoTime();
                        if (!send(bodies[next++ % bodies.length])) {
                            errors.incrementAndGet();
                        }
                        latencies.add(System.nanoTime() - started);
                    }
                    synchronized (perClient) {
                        perClient.set(index, latencies.toArray());
                    }
                    done.countDown();
                }, "bench-client-" + c));
            }
            Thread side = beside == null ? null : started(new Thread(() -> call(beside, stop), "bench-swaps"));
            long started = System.nanoTime();
            call(clock, stop);
            stop.set(true);
            await(done);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (side != null) {
                join(side);
            }
            long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(seconds, all.length, errors.get(), all);
        }

        private boolean send(byte[] body) {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static byte[][] bodies() {
            Random random = new Random(7);
            byte[][] bodies = new byte[BODIES][];
            for (int b = 0; b < BODIES; b++) {
                StringBuilder json = new StringBuilder("{\"input\":[");
                for (int i = 0; i < INPUT_SIZE; i++) {
                    json.append(i == 0 ? "" : ",").append(Math.round(random.nextFloat() * 255) / 255f);
                }
                bodies[b] = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            }
            return bodies;
        }

        private static Thread started(Thread thread) {
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private static void call(Background work, AtomicBoolean stop) {
            try {
                work.run(stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("benchmark background work failed", e);
            }
        }
    }

    /** Writes checkpoints as the trainer does: chunks then manifest, in one transaction. */
    private static final class Publisher implements AutoCloseable {

        private final KafkaProducer<byte[], byte[]> producer;

        Publisher(String bootstrapServers) {
            producer = new KafkaProducer<>(KafkaClients.transactionalProducer(
                    Map.of("bootstrap.servers", bootstrapServers), "bench-publisher", "bench-publisher"));
            producer.initTransactions();
        }

        void publish(Checkpoint manifest, byte[] weights) {
            String topic = Topics.DEFAULT.checkpoints();
            producer.beginTransaction();
            for (CheckpointChunk chunk : CheckpointChunks.split(MODEL, manifest.getVersion(), weights, CheckpointChunks.DEFAULT_CHUNK_BYTES)) {
                producer.send(new ProducerRecord<>(topic, Codecs.CHECKPOINT_KEY.encode(
                        CheckpointChunks.chunkKey(MODEL, manifest.getVersion(), chunk.getIndex())), Codecs.CHECKPOINT_CHUNK.encode(chunk)));
            }
            producer.send(new ProducerRecord<>(topic, Codecs.CHECKPOINT_KEY.encode(CheckpointChunks.manifestKey(MODEL, manifest.getVersion())),
                    Codecs.CHECKPOINT.encode(manifest)));
            producer.commitTransaction();
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    private static Checkpoint manifest(long version, byte[] weights) {
        return Checkpoint.newBuilder()
                .setModel(MODEL)
                .setVersion(version)
                .setParentVersion(version - 1)
                .setCreatedTime(Instant.now())
                .setFormat(WeightsCodec.FORMAT)
                .setArchitecture(Architecture.FASHION_STUDENT.spec())
                .setSha256(WeightsCodec.sha256(weights))
                .setSizeBytes(weights.length)
                .setChunkCount((weights.length + CheckpointChunks.DEFAULT_CHUNK_BYTES - 1) / CheckpointChunks.DEFAULT_CHUNK_BYTES)
                .setLineage(Lineage.newBuilder().setSamplesSeen(version).setOffsets(List.of()).build())
                .setHoldout(HoldoutScores.newBuilder().setExamples(1000).setAgreement(0.9f).setKl(0.1f).setAccuracy(null).build())
                .build();
    }

    /** Freshly initialised student weights: a swap costs the same whatever the values. */
    private static byte[] initialWeights() {
        try (Learner learner = new Learner(Architecture.FASHION_STUDENT, Device.cpu(), new DistillationLoss(1f, 1f),
                OptimizerSettings.DEFAULT, null)) {
            return learner.weights();
        }
    }

    /**
     * VmRSS of this process after a collection, in bytes. The wait lets the collector hand freed heap back to the
     * system (G1 uncommits concurrently), so only memory still in use is counted.
     */
    static long residentBytes() {
        System.gc();
        sleep(Duration.ofSeconds(2));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status (the benchmark needs Linux)", e);
        }
        throw new IllegalStateException("/proc/self/status has no VmRSS line");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** A growable array of longs, so a client records latencies without boxing. */
    private static final class LongList {
        private long[] values = new long[1 << 14];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}

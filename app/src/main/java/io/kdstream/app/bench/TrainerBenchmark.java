package io.kdstream.app.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

import ai.djl.Device;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.eval.HoldoutSlice;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Devices;
import io.kdstream.core.training.Learner;
import io.kdstream.trainer.StudentTrainer;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.TrainerMetrics;
import io.kdstream.trainer.training.StudentSetup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How close the trainer fed from Kafka comes to a bare training loop. Both train the same student with the same
 * batch size, loss and optimizer on the same examples: (a) a loop over tensors already in memory, the limit; (b) the
 * {@link StudentTrainer} reading soft labels from an embedded broker, decoding, validating, batching, and
 * publishing checkpoints as it goes.
 *
 * <p>The soft labels go onto the broker once; then raw loop and trainer take turns for several rounds (each round's
 * trainer is a new model with its own consumer group, so it reads the topic from the start), so that both see the
 * same mix of other load on a shared machine. The first round warms the JIT up and is reported on its own; the
 * figures are the totals of the later rounds. Within a round both rates leave out the first tenth of the examples,
 * and both make {@code passes} passes over the images (the stream carries each pass under its own request ids),
 * so that a round lasts seconds and the trainer's first checkpoint commit is a small share of it.
 */
public final class TrainerBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerBenchmark.class);
    private static final float TEACHER_TEMPERATURE = 4f;
    private static final String RUN = "trainer-bench";
    /** One holdout key per benchmark run: its trainers and its count of held-out records agree, and no key file is left. */
    private static final String BENCH_HOLDOUT_KEY = UUID.randomUUID().toString();

    /**
     * @param examples   images to train on: the first Fashion-MNIST training images, at most 60,000
     * @param passes     passes over those images in each round, by both loops
     * @param batchSize  examples per optimizer step in both loops
     * @param student    the student architecture spec
     * @param partitions partitions of the soft-label topic
     * @param rounds     measured rounds of raw loop and trainer, after one warm-up round
     * @param device     auto, cpu or gpu
     */
    public record Settings(int examples, int passes, int batchSize, String student, int partitions, int rounds, String device) {

        public static final Settings DEFAULT = new Settings(60_000, 3, 64, Architecture.FASHION_STUDENT.spec(), 3, 5, "auto");

        public Settings {
            if (rounds < 1 || passes < 1 || batchSize < 1 || examples < batchSize * 10) {
                throw new IllegalArgumentException("need rounds >= 1, passes >= 1, batch size >= 1 and at least ten batches "
                        + "of examples, but got " + rounds + " rounds, " + passes + " passes, batch " + batchSize + ", "
                        + examples + " examples");
            }
        }
    }

    /** Samples trained and the time they took, summed over rounds. */
    private record Rate(long samples, long nanos) {

        Rate plus(Rate other) {
            return new Rate(samples + other.samples, nanos + other.nanos);
        }

        double perSecond() {
            return samples / (nanos / 1e9);
        }
    }

    private TrainerBenchmark() {
    }

    /** @return raw_samples_per_s, pipeline_samples_per_s, ratio, batch_size, and what was measured */
    public static LinkedHashMap<String, Object> run(Settings settings) {
        Architecture architecture = Architecture.parse(settings.student());
        LabeledImages images = FashionMnist.load(FashionMnist.Split.TRAIN).head(settings.examples());
        float[] teacher = confidentTeacher(images, architecture.classes());
        TrainerConfig template = trainerConfig(settings, "127.0.0.1:1", RUN);
        RawBatches batches = RawBatches.of(images, teacher, architecture, template.temperature(), settings.batchSize());

        List<Long> rawRounds = new ArrayList<>();
        List<Long> pipelineRounds = new ArrayList<>();
        Rate raw = new Rate(0, 0);
        Rate pipeline = new Rate(0, 0);
        double warmUpRatio;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(Topics.DEFAULT.definitions(settings.partitions(), (short) 1));
            long trained = 0;
            for (int pass = 0; pass < settings.passes(); pass++) {
                String ids = RUN + "-pass" + pass;
                int produced = BenchStreams.produceSoftLabels(broker.bootstrapServers(), Topics.DEFAULT.softLabels(), images,
                        teacher, architecture.classes(), TEACHER_TEMPERATURE, ids);
                trained += produced - heldOut(ids, produced, template.holdoutSlice());
            }
            Rate warmUpRaw = rawLoop(settings, template, architecture, batches);
            Rate warmUpPipeline = pipeline(trainerConfig(settings, broker.bootstrapServers(), RUN + "-warm-up"), trained);
            warmUpRatio = warmUpPipeline.perSecond() / warmUpRaw.perSecond();
            LOG.info("Warm-up round: raw {} samples/s, trainer {} samples/s", Math.round(warmUpRaw.perSecond()),
                    Math.round(warmUpPipeline.perSecond()));
            for (int round = 1; round <= settings.rounds(); round++) {
                Rate rawRound = rawLoop(settings, template, architecture, batches);
                Rate pipelineRound = pipeline(trainerConfig(settings, broker.bootstrapServers(), RUN + "-" + round), trained);
                LOG.info("Round {} of {}: raw {} samples/s, trainer fed from Kafka {} samples/s", round, settings.rounds(),
                        Math.round(rawRound.perSecond()), Math.round(pipelineRound.perSecond()));
                rawRounds.add(Math.round(rawRound.perSecond()));
                pipelineRounds.add(Math.round(pipelineRound.perSecond()));
                raw = raw.plus(rawRound);
                pipeline = pipeline.plus(pipelineRound);
            }
        }

        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        result.put("raw_samples_per_s", Math.round(raw.perSecond()));
        result.put("pipeline_samples_per_s", Math.round(pipeline.perSecond()));
        result.put("ratio", round(pipeline.perSecond() / raw.perSecond()));
        result.put("batch_size", settings.batchSize());
        result.put("raw_rounds_samples_per_s", rawRounds);
        result.put("pipeline_rounds_samples_per_s", pipelineRounds);
        result.put("warm_up_round_ratio", round(warmUpRatio));
        result.put("student", architecture.spec());
        result.put("examples", images.count());
        result.put("passes", settings.passes());
        result.put("partitions", settings.partitions());
        result.put("device", template.device());
        return result;
    }

    /** The examples laid out as batches beforehand, teacher rows re-tempered to the trainer's temperature. */
    private record RawBatches(float[][] inputs, float[][] targets, int[][] labels) {

        static RawBatches of(LabeledImages images, float[] softened, Architecture architecture, float temperature, int batch) {
            int classes = architecture.classes();
            int inputSize = architecture.inputSize();
            float[] unit = BenchStreams.unitInputs(images);
            int steps = images.count() / batch;
            float[][] inputs = new float[steps][];
            float[][] targets = new float[steps][batch * classes];
            int[][] labels = new int[steps][];
            for (int step = 0; step < steps; step++) {
                int from = step * batch;
                inputs[step] = Arrays.copyOfRange(unit, from * inputSize, (from + batch) * inputSize);
                labels[step] = Arrays.copyOfRange(images.labels(), from, from + batch);
                for (int i = 0; i < batch; i++) {
                    int example = from + i;
                    float[] row = SoftTargets.retemper(Arrays.copyOfRange(softened, example * classes, (example + 1) * classes),
                            TEACHER_TEMPERATURE, temperature);
                    System.arraycopy(row, 0, targets[step], i * classes, classes);
                }
            }
            return new RawBatches(inputs, targets, labels);
        }
    }

    /** (a) Steps over batches laid out in memory beforehand, {@code passes} times: nothing but the training itself. */
    private static Rate rawLoop(Settings settings, TrainerConfig config, Architecture architecture, RawBatches batches) {
        Device device = Devices.choose(settings.device(), "raw training loop");
        // The trainer's own setup, gradient clipping included, so that both loops do the same work per step.
        StudentSetup setup = config.studentSetup(device);
        int perPass = batches.inputs().length;
        int steps = perPass * settings.passes();
        int warmUp = steps / 10;
        long started = 0;
        try (Learner learner = setup.newLearner(null)) {
            for (int step = 0; step < steps; step++) {
                if (step == warmUp) {
                    started = System.nanoTime();
                }
                int batch = step % perPass;
                learner.step(batches.inputs()[batch], settings.batchSize(), batches.targets()[batch], batches.labels()[batch]);
            }
        }
        return new Rate((long) (steps - warmUp) * settings.batchSize(), System.nanoTime() - started);
    }

    /**
     * (b) The trainer service over the broker, timed by its own count of examples stepped on, from the end of the
     * warm-up until at most a partial batch is left (that one waits for the next checkpoint, as on a live stream).
     * When the clock starts, the poll loop may have decoded up to {@code batches.ahead} batches ahead; it spends most
     * of its time waiting for the optimizer, so that lead flatters the rate by little.
     */
    private static Rate pipeline(TrainerConfig config, long trained) {
        long target = trained - (config.newExamplesPerBatch() - 1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StudentTrainer trainer = new StudentTrainer(config, registry)) {
            trainer.start();
            Counter stepped = registry.get(TrainerMetrics.SAMPLES).counter();
            LongSupplier steppedOn = () -> (long) stepped.count();
            long started = BenchStreams.await(trainer, steppedOn, target / 10);
            long startSamples = steppedOn.getAsLong();
            long finished = BenchStreams.await(trainer, steppedOn, target);
            return new Rate(target - startSamples, finished - started);
        }
    }

    /** How many of the records {@code ids-0} … the trainer holds out (and so never steps on). */
    private static long heldOut(String ids, int produced, HoldoutSlice slice) {
        long held = 0;
        for (int i = 0; i < produced; i++) {
            held += slice.isHeldOut(ids + "-" + i) ? 1 : 0;
        }
        return held;
    }

    /** The trainer's defaults, apart from the benchmark's student, batch and device; each model reads the topic anew. */
    private static TrainerConfig trainerConfig(Settings settings, String bootstrap, String model) {
        return new TrainerConfig(Map.of("bootstrap.servers", bootstrap, "model.name", model,
                "batch.size", String.valueOf(settings.batchSize()), "student.architecture", settings.student(),
                "device", settings.device(), "holdout.key", BENCH_HOLDOUT_KEY));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** Probabilities a confident teacher would give, softened at the teacher's temperature: the throughput is the same. */
    private static float[] confidentTeacher(LabeledImages images, int classes) {
        float[] probabilities = new float[images.count() * classes];
        double top = Math.exp(8 / TEACHER_TEMPERATURE);
        double sum = top + classes - 1;
        for (int i = 0; i < images.count(); i++) {
            for (int c = 0; c < classes; c++) {
                probabilities[i * classes + c] = (float) ((c == images.labels()[i] ? top : 1) / sum);
            }
        }
        return probabilities;
    }
}

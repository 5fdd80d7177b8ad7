package io.kdstream.app.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Devices;
import io.kdstream.core.training.Learner;
import io.kdstream.trainer.StudentTrainer;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.training.StudentSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How close the trainer fed from Kafka comes to a bare training loop. Both train the same student with the same
 * batch size, loss and optimizer on the same examples: (a) a loop over tensors already in memory, the limit; (b) the
 * {@link StudentTrainer} reading soft labels from an embedded broker, decoding, validating, batching, and
 * publishing checkpoints as it goes. Both rates leave out the first tenth of the examples (warm-up); the raw loop
 * runs before and after the pipeline and its faster run is the limit.
 */
public final class TrainerBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerBenchmark.class);
    private static final float TEACHER_TEMPERATURE = 4f;
    private static final String RUN = "trainer-bench";

    /**
     * @param examples   soft labels to train on: the first Fashion-MNIST training images, at most 60,000
     * @param batchSize  examples per optimizer step in both loops
     * @param student    the student architecture spec
     * @param partitions partitions of the soft-label topic
     * @param device     auto, cpu or gpu
     */
    public record Settings(int examples, int batchSize, String student, int partitions, String device) {

        public static final Settings DEFAULT = new Settings(60_000, 64, Architecture.FASHION_STUDENT.spec(), 3, "auto");
    }

    private TrainerBenchmark() {
    }

    /** @return raw_samples_per_s, pipeline_samples_per_s, ratio, batch_size, and what was measured */
    public static LinkedHashMap<String, Object> run(Settings settings) {
        Architecture architecture = Architecture.parse(settings.student());
        LabeledImages images = FashionMnist.load(FashionMnist.Split.TRAIN).head(settings.examples());
        float[] teacher = confidentTeacher(images, architecture.classes());
        TrainerConfig config = trainerConfig(settings, "127.0.0.1:1");

        // The raw loop runs before and after the pipeline and the faster run counts, so that a busy machine
        // during one of them does not flatter the ratio.
        double rawBefore = rawLoop(settings, config, architecture, images, teacher);
        LOG.info("Raw training loop: {} samples/s", Math.round(rawBefore));
        double pipeline = pipeline(settings, images, teacher, architecture.classes());
        LOG.info("Trainer fed from Kafka: {} samples/s", Math.round(pipeline));
        double rawAfter = rawLoop(settings, config, architecture, images, teacher);
        LOG.info("Raw training loop again: {} samples/s", Math.round(rawAfter));
        double raw = Math.max(rawBefore, rawAfter);

        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        result.put("raw_samples_per_s", Math.round(raw));
        result.put("pipeline_samples_per_s", Math.round(pipeline));
        result.put("ratio", Math.round(pipeline / raw * 1000) / 1000.0);
        result.put("batch_size", settings.batchSize());
        result.put("raw_runs_samples_per_s", List.of(Math.round(rawBefore), Math.round(rawAfter)));
        result.put("student", architecture.spec());
        result.put("examples", images.count());
        result.put("device", config.device());
        return result;
    }

    /** (a) Steps over batches laid out in memory beforehand: nothing but the training itself. */
    private static double rawLoop(Settings settings, TrainerConfig config, Architecture architecture, LabeledImages images,
                                  float[] softened) {
        Device device = Devices.choose(settings.device(), "raw training loop");
        int classes = architecture.classes();
        int inputSize = architecture.inputSize();
        int batch = settings.batchSize();
        float[] inputs = BenchStreams.unitInputs(images);
        float[] targets = new float[softened.length];
        for (int i = 0; i < images.count(); i++) {
            float[] row = SoftTargets.retemper(Arrays.copyOfRange(softened, i * classes, (i + 1) * classes),
                    TEACHER_TEMPERATURE, config.temperature());
            System.arraycopy(row, 0, targets, i * classes, classes);
        }
        StudentSetup setup = new StudentSetup(architecture, device, config.temperature(), config.alpha(), config.optimizer(),
                config.emaDecay(), config.mutualPeers());
        int steps = images.count() / batch;
        int warmUp = steps / 10;
        float[] x = new float[batch * inputSize];
        float[] t = new float[batch * classes];
        int[] y = new int[batch];
        long started = 0;
        try (Learner learner = setup.newLearner(null)) {
            for (int step = 0; step < steps; step++) {
                if (step == warmUp) {
                    started = System.nanoTime();
                }
                int from = step * batch;
                System.arraycopy(inputs, from * inputSize, x, 0, x.length);
                System.arraycopy(targets, from * classes, t, 0, t.length);
                System.arraycopy(images.labels(), from, y, 0, batch);
                learner.step(x, batch, t, y);
            }
        }
        return (double) (steps - warmUp) * batch / ((System.nanoTime() - started) / 1e9);
    }

    /** (b) The trainer service over a real broker, timed from the end of the warm-up to the last example trained. */
    private static double pipeline(Settings settings, LabeledImages images, float[] teacher, int classes) {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(Topics.DEFAULT.definitions(settings.partitions(), (short) 1));
            int produced = BenchStreams.produceSoftLabels(broker.bootstrapServers(), Topics.DEFAULT.softLabels(), images, teacher,
                    classes, TEACHER_TEMPERATURE, RUN);
            TrainerConfig config = trainerConfig(settings, broker.bootstrapServers());
            long expected = produced - heldOut(produced, config.holdoutPermille());
            long warmUp = expected / 10;
            try (StudentTrainer trainer = new StudentTrainer(config, new SimpleMeterRegistry())) {
                trainer.start();
                long started = BenchStreams.awaitTrained(trainer, warmUp);
                long startSamples = trainer.samplesTrained();
                BenchStreams.awaitTrained(trainer, expected);
                return (expected - startSamples) / ((System.nanoTime() - started) / 1e9);
            }
        }
    }

    private static long heldOut(int produced, int permille) {
        long held = 0;
        for (int i = 0; i < produced; i++) {
            held += Math.floorMod((RUN + "-" + i).hashCode(), 1000) < permille ? 1 : 0;
        }
        return held;
    }

    private static TrainerConfig trainerConfig(Settings settings, String bootstrap) {
        return new TrainerConfig(Map.of("bootstrap.servers", bootstrap, "batch.size", String.valueOf(settings.batchSize()),
                "student.architecture", settings.student(), "device", settings.device()));
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

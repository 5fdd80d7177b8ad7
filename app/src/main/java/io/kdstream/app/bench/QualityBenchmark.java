package io.kdstream.app.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import ai.djl.Device;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.checkpoint.CheckpointAssembler;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.Devices;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.trainer.StudentTrainer;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.labels.Example;
import io.kdstream.trainer.training.Batch;
import io.kdstream.trainer.training.BatchAssembler;
import io.kdstream.trainer.training.ReplayBuffer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Is online distillation worth it? The same student makes one pass over the 60,000 Fashion-MNIST training images
 * as a stream, three ways: (a) true labels only; (b) online distillation: the teacher's soft labels go through an
 * embedded broker into the real {@link StudentTrainer}, whose checkpoints are scored; (c) offline distillation
 * over the same stored soft labels for several epochs. Each is scored on the 10,000 test images for accuracy and
 * top-1 agreement with the teacher, and a plot shows accuracy against examples trained on, replays and repeated
 * epochs included, so that the three ways are compared at equal numbers of optimizer updates.
 *
 * <p>(a) and (c) run in memory with the trainer's own batch assembly (replay included for (a), so that only the
 * targets differ from (b)); the optimizer, batch size, learning rate, temperature and α are the same everywhere.
 */
public final class QualityBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(QualityBenchmark.class);
    /** The temperature the teacher service softens at by default; the student re-tempers to its own. */
    public static final float TEACHER_TEMPERATURE = 4f;
    private static final String MODEL = "student";
    /** Points within this share of a curve's examples are warm-up: {@code max_drop_after_warmup} ignores them. */
    static final double WARM_UP_SHARE = 0.2;
    /** Examples per call of the batched latency figure. */
    static final int LATENCY_BATCH = 64;

    /**
     * @param student       student architecture spec
     * @param temperature   the trainer's distillation temperature
     * @param alpha         weight of the soft targets (true labels take 1 − α)
     * @param learningRate  Adam's learning rate
     * @param batchSize     examples per step
     * @param replayFraction share of each streamed batch replayed from the buffer, in (a) and (b)
     * @param replayBuffer  examples the replay buffer keeps, in (a) and (b)
     * @param offlineEpochs passes of the offline distillation (c)
     * @param evalEvery     new examples between two points of the curves
     * @param device        auto, cpu or gpu
     */
    public record Settings(String student, float temperature, float alpha, float learningRate, int batchSize,
                           double replayFraction, int replayBuffer, int offlineEpochs, int evalEvery, String device) {

        /**
         * A small CNN student (52,000 parameters, a sixteenth of the teacher's): an MLP cannot agree with a CNN teacher
         * on 93% of images however long it trains. Replay 0.8 gives five updates per streamed example, as many as
         * the five offline epochs, so that (b) and (c) spend the same number of optimizer updates. T = 2 and
         * α = 0.8 were the best of a small sweep (T 1, 2, 4; α 0, 0.5, 0.8, 0.9) with this student and teacher.
         */
        public static final Settings DEFAULT = new Settings("cnn:28x28-8-16-64-10", 2f, 0.8f, 1e-3f, 64,
                0.8, 60_000, 5, 5000, "auto");

        /** Checks every setting before minutes of training, and names all that are wrong at once. */
        public Settings {
            List<String> problems = new ArrayList<>();
            if (!(temperature > 0)) {
                problems.add("temperature must be > 0 but is " + temperature);
            }
            if (!(alpha >= 0 && alpha <= 1)) {
                problems.add("alpha must be in [0, 1] but is " + alpha);
            }
            if (!(learningRate > 0)) {
                problems.add("learning rate must be > 0 but is " + learningRate);
            }
            if (batchSize < 1 || offlineEpochs < 1 || evalEvery < 1) {
                problems.add("batch size, offline epochs and evaluation interval must be >= 1 but are " + batchSize + ", "
                        + offlineEpochs + ", " + evalEvery);
            }
            if (!(replayFraction >= 0 && replayFraction <= 0.9)) {
                problems.add("replay fraction must be in [0, 0.9] but is " + replayFraction);
            } else if (batchSize >= 1 && TrainerConfig.newExamplesPerBatch(batchSize, replayFraction) < 1) {
                problems.add("replay fraction " + replayFraction + " leaves no new example in a batch of " + batchSize);
            }
            if (replayFraction > 0 && replayBuffer < 1) {
                problems.add("replay needs a buffer of at least 1 example but it is " + replayBuffer);
            }
            try {
                Architecture.parse(student);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("quality benchmark settings: " + String.join("; ", problems));
            }
        }

        /** Optimizer updates each streamed example takes part in, on average, in (a) and (b): itself plus its replays. */
        public double updatesPerStreamedExample() {
            return (double) batchSize / newExamplesPerBatch();
        }

        int newExamplesPerBatch() {
            return TrainerConfig.newExamplesPerBatch(batchSize, replayFraction);
        }
    }

    private QualityBenchmark() {
    }

    /**
     * Runs the three ways {@code runs} times each (fresh students every time) and reports, per way, the median and
     * the minimum final test accuracy, so that no figure depends on a lucky run; the plain keys
     * ({@code online_kd_accuracy}, …) hold the medians. Per run it also reports how far any point after warm-up fell
     * below the best before it ({@code max_drop_after_warmup}); the plot shows the first run.
     *
     * @param teacher the trained teacher (the stored one of {@code kd teacher train}, or {@link #trainTeacher})
     * @param plot    where the PNG goes
     * @return teacher_accuracy, hard_only_accuracy, online_kd_accuracy, offline_kd_accuracy, online_kd_agreement, …
     */
    public static LinkedHashMap<String, Object> run(Settings settings, Classifier teacher, Path plot, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1 but is " + runs);
        }
        Architecture architecture = Architecture.parse(settings.student());
        Device device = Devices.choose(settings.device(), "quality benchmark");
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN);
        TestSet test = TestSet.of(FashionMnist.load(FashionMnist.Split.TEST), teacher);
        LOG.info("Teacher: test accuracy {}", test.teacherAccuracy());
        float[] softened = softLabels(teacher, train);
        List<Example> stream = examples(train, softened, teacher.classes(), settings.temperature());

        List<Map<String, Object>> perRun = new ArrayList<>();
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        byte[] served = null;
        for (int run = 1; run <= runs; run++) {
            Curve hard = streamPass("hard labels only", settings, architecture, device, stream, test, 0f);
            LOG.info("Run {} (a) hard labels only: {}", run, hard.last());
            Online online = onlineThroughTrainer(settings, train, softened, teacher.classes(), architecture, device, test);
            LOG.info("Run {} (b) online distillation through the trainer: {}", run, online.curve().last());
            Curve offline = offline(settings, architecture, device, stream, test);
            LOG.info("Run {} (c) offline distillation, {} epochs: {}", run, settings.offlineEpochs(), offline.last());
            if (run == 1) {
                AccuracyPlot.write(plot, "Fashion-MNIST student " + architecture + ", T=" + settings.temperature() + ", alpha="
                        + settings.alpha(), List.of(hard, online.curve(), offline), test.teacherAccuracy());
            }
            served = online.lastWeights();
            double onlineMacroF1;
            try (Classifier student = Classifier.fromWeights(architecture, served, device)) {
                onlineMacroF1 = test.macroF1(student.probabilities(test.inputs(), test.count(), 1f));
            }
            Map<String, Object> figuresOfRun = new LinkedHashMap<>();
            for (Map.Entry<String, Curve> way : List.of(Map.entry("hard_only", hard), Map.entry("online_kd", online.curve()),
                    Map.entry("offline_kd", offline))) {
                note(figures, figuresOfRun, way.getKey() + "_accuracy", way.getValue().last().accuracy());
                note(figures, figuresOfRun, way.getKey() + "_agreement", way.getValue().last().agreement());
                note(figures, figuresOfRun, way.getKey() + "_max_drop_after_warmup", way.getValue().maxDropAfterWarmUp(WARM_UP_SHARE));
            }
            note(figures, figuresOfRun, "online_kd_macro_f1", onlineMacroF1);
            perRun.add(figuresOfRun);
        }

        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        result.put("runs", runs);
        result.put("teacher_accuracy", round(test.teacherAccuracy()));
        result.put("teacher_macro_f1", round(test.teacherMacroF1()));
        for (String way : List.of("hard_only", "online_kd", "offline_kd")) {
            result.put(way + "_accuracy", round(median(figures.get(way + "_accuracy"))));
        }
        result.put("online_kd_agreement", round(median(figures.get("online_kd_agreement"))));
        result.put("hard_only_agreement", round(median(figures.get("hard_only_agreement"))));
        result.put("offline_kd_agreement", round(median(figures.get("offline_kd_agreement"))));
        for (String figure : List.of("hard_only_accuracy", "online_kd_accuracy", "offline_kd_accuracy", "online_kd_agreement")) {
            result.put(figure + "_min", round(Collections.min(figures.get(figure))));
            result.put(figure + "_median", round(median(figures.get(figure))));
        }
        result.put("online_kd_macro_f1", round(median(figures.get("online_kd_macro_f1"))));
        result.put("max_drop_after_warmup", round(Collections.max(figures.get("online_kd_max_drop_after_warmup"))));
        result.put("warm_up_share", WARM_UP_SHARE);
        try (Classifier student = Classifier.fromWeights(architecture, served, device)) {
            result.putAll(sizesAndLatencies(teacher, student, test));
        }
        result.put("student", architecture.spec());
        result.put("temperature", settings.temperature());
        result.put("alpha", settings.alpha());
        result.put("learning_rate", settings.learningRate());
        result.put("batch_size", settings.batchSize());
        result.put("replay_fraction", settings.replayFraction());
        result.put("replay_buffer", settings.replayBuffer());
        result.put("offline_epochs", settings.offlineEpochs());
        result.put("stream_updates_per_example", round(settings.updatesPerStreamedExample()));
        result.put("per_run", perRun);
        result.put("plot", plot.toString());
        return result;
    }

    /** Adds a run's figure to its list over runs and to the run's own figures. */
    private static void note(Map<String, List<Double>> figures, Map<String, Object> run, String name, double value) {
        figures.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        run.put(name, round(value));
    }

    /**
     * The seeds' comparable figures: compression ratio (teacher ÷ student parameters) and the in-process forward pass
     * of both, measured the same way (median of repeated calls after a warm-up, on the test images), one example
     * at a time and in batches of {@value #LATENCY_BATCH}.
     */
    static Map<String, Object> sizesAndLatencies(Classifier teacher, Classifier student, TestSet test) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("teacher_params", teacher.parameterCount());
        out.put("student_params", student.parameterCount());
        out.put("compression_ratio", round((double) teacher.parameterCount() / student.parameterCount()));
        out.put("latency_batch_size", LATENCY_BATCH);
        for (Map.Entry<String, Classifier> model : List.of(Map.entry("teacher", teacher), Map.entry("student", student))) {
            out.put(model.getKey() + "_forward_ms_per_example", round(forwardMillis(model.getValue(), test, 1, 200)));
            out.put(model.getKey() + "_forward_ms_per_batch", round(forwardMillis(model.getValue(), test, LATENCY_BATCH, 30)));
        }
        return out;
    }

    /** Median milliseconds of one forward pass over the first {@code batch} test images, after 5 unmeasured passes. */
    private static double forwardMillis(Classifier model, TestSet test, int batch, int repeats) {
        float[] inputs = Arrays.copyOf(test.inputs(), batch * model.inputSize());
        for (int i = 0; i < 5; i++) {
            model.probabilities(inputs, batch, 1f);
        }
        List<Double> millis = new ArrayList<>(repeats);
        for (int i = 0; i < repeats; i++) {
            long started = System.nanoTime();
            model.probabilities(inputs, batch, 1f);
            millis.add((System.nanoTime() - started) / 1e6);
        }
        return median(millis);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * A teacher for machines without a stored one: the reference CNN trained on hard labels (cosine schedule).
     *
     * @return weights of {@link Architecture#FASHION_TEACHER}
     */
    public static byte[] trainTeacher(LabeledImages train, int epochs, Device device) {
        int batch = 128;
        int steps = train.count() / batch;
        OptimizerSettings optimizer = new OptimizerSettings("adam", 1e-3f, "cosine", epochs * steps, 0f);
        Architecture architecture = Architecture.FASHION_TEACHER;
        float[] inputs = BenchStreams.unitInputs(train);
        try (Learner learner = new Learner(architecture, device, new DistillationLoss(1f, 0f), optimizer, null)) {
            Random random = new Random(42);
            float[] x = new float[batch * architecture.inputSize()];
            float[] unused = new float[batch * architecture.classes()];
            int[] y = new int[batch];
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = shuffled(train.count(), random);
                for (int step = 0; step < steps; step++) {
                    for (int i = 0; i < batch; i++) {
                        int index = order[step * batch + i];
                        System.arraycopy(inputs, index * architecture.inputSize(), x, i * architecture.inputSize(), architecture.inputSize());
                        y[i] = train.labels()[index];
                    }
                    learner.step(x, batch, unused, y);
                }
                LOG.info("Teacher epoch {} of {} done", epoch + 1, epochs);
            }
            return learner.weights();
        }
    }

    /** (a): one pass in stream order through the trainer's batch assembly, scored every {@code evalEvery} examples. */
    private static Curve streamPass(String name, Settings settings, Architecture architecture, Device device, List<Example> stream,
                                    TestSet test, float alpha) {
        Curve curve = new Curve(name);
        int newPerBatch = settings.newExamplesPerBatch();
        ReplayBuffer replay = settings.replayFraction() > 0 ? new ReplayBuffer(settings.replayBuffer(), new Random(7)) : null;
        BatchAssembler assembler = new BatchAssembler(architecture.inputSize(), architecture.classes(), settings.batchSize(),
                newPerBatch, replay);
        try (Learner learner = learner(settings, architecture, device, alpha)) {
            long seen = 0;
            for (Example example : stream) {
                Optional<Batch> batch = assembler.add(example);
                seen++;
                batch.ifPresent(b -> step(learner, b));
                if (seen % settings.evalEvery() == 0 || seen == stream.size()) {
                    assembler.flush().ifPresent(b -> step(learner, b));
                    curve.add(Math.round(seen * settings.updatesPerStreamedExample()),
                            test.score(learner.probabilities(test.inputs(), test.count(), 1f)));
                }
            }
        }
        return curve;
    }

    /** (c): epochs over the stored soft labels, shuffled, no replay (the epochs are the replay). */
    private static Curve offline(Settings settings, Architecture architecture, Device device, List<Example> stream, TestSet test) {
        Curve curve = new Curve("offline KD, " + settings.offlineEpochs() + " epochs");
        Random random = new Random(11);
        try (Learner learner = learner(settings, architecture, device, settings.alpha())) {
            long seen = 0;
            for (int epoch = 0; epoch < settings.offlineEpochs(); epoch++) {
                int[] order = shuffled(stream.size(), random);
                for (int start = 0; start < order.length; start += settings.batchSize()) {
                    int end = Math.min(order.length, start + settings.batchSize());
                    List<Example> examples = new ArrayList<>(end - start);
                    for (int i = start; i < end; i++) {
                        examples.add(stream.get(order[i]));
                    }
                    step(learner, Batch.of(examples, examples.size(), architecture.inputSize(), architecture.classes()));
                    long before = seen;
                    seen += examples.size();
                    if (seen / settings.evalEvery() > before / settings.evalEvery() || end == order.length) {
                        curve.add(seen, test.score(learner.probabilities(test.inputs(), test.count(), 1f)));
                    }
                }
            }
        }
        return curve;
    }

    /** The online way's curve and the weights of its last checkpoint. */
    private record Online(Curve curve, byte[] lastWeights) {
    }

    /** (b): soft labels through an embedded broker into the trainer; every published checkpoint is a point. */
    private static Online onlineThroughTrainer(Settings settings, LabeledImages train, float[] softened, int classes,
                                              Architecture architecture, Device device, TestSet test) {
        Curve curve = new Curve("online KD (trainer over Kafka)");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            // One partition: the trainer sees the stream in the same order as (a).
            broker.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
            BenchStreams.produceSoftLabels(broker.bootstrapServers(), Topics.DEFAULT.softLabels(), train, softened, classes,
                    TEACHER_TEMPERATURE, "quality");
            int newPerBatch = settings.newExamplesPerBatch();
            TrainerConfig config = new TrainerConfig(Map.ofEntries(
                    Map.entry("bootstrap.servers", broker.bootstrapServers()),
                    Map.entry("model.name", MODEL),
                    Map.entry("student.architecture", architecture.spec()),
                    Map.entry("temperature", String.valueOf(settings.temperature())),
                    Map.entry("alpha", String.valueOf(settings.alpha())),
                    Map.entry("learning.rate", String.valueOf(settings.learningRate())),
                    Map.entry("batch.size", String.valueOf(settings.batchSize())),
                    Map.entry("replay.fraction", String.valueOf(settings.replayFraction())),
                    Map.entry("replay.buffer.size", String.valueOf(settings.replayBuffer())),
                    Map.entry("holdout.permille", "0"),
                    Map.entry("checkpoint.interval.steps", String.valueOf(Math.max(1, settings.evalEvery() / newPerBatch))),
                    Map.entry("checkpoint.interval.ms", "25000"),
                    Map.entry("checkpoint.keep", "1000"),
                    Map.entry("device", settings.device())));
            try (StudentTrainer trainer = new StudentTrainer(config, new SimpleMeterRegistry())) {
                trainer.start();
                // All but the last partial batch; closing the trainer trains on that one and publishes the last checkpoint.
                BenchStreams.awaitTrained(trainer, train.count() - (newPerBatch - 1));
            }
            byte[] last = null;
            for (CheckpointAssembler.Assembled checkpoint : BenchStreams.checkpoints(broker.bootstrapServers(), "quality-checkpoints", MODEL)) {
                try (Classifier student = Classifier.fromWeights(architecture, checkpoint.weights(), device)) {
                    curve.add(Math.round(checkpoint.manifest().getLineage().getSamplesSeen() * settings.updatesPerStreamedExample()),
                            test.score(student.probabilities(test.inputs(), test.count(), 1f)));
                }
                last = checkpoint.weights();
            }
            if (last == null) {
                throw new IllegalStateException("the trainer published no checkpoint");
            }
            return new Online(curve, last);
        }
    }

    private static Learner learner(Settings settings, Architecture architecture, Device device, float alpha) {
        OptimizerSettings optimizer = new OptimizerSettings("adam", settings.learningRate(), "fixed", 1, 0f);
        return new Learner(architecture, device, new DistillationLoss(settings.temperature(), alpha), optimizer, null);
    }

    private static void step(Learner learner, Batch batch) {
        learner.step(batch.inputs(), batch.size(), batch.teacher(), batch.labels());
    }

    /** The teacher's probabilities for every training image, softened at {@link #TEACHER_TEMPERATURE}. */
    private static float[] softLabels(Classifier teacher, LabeledImages train) {
        float[] inputs = BenchStreams.unitInputs(train);
        int classes = teacher.classes();
        float[] out = new float[train.count() * classes];
        int chunk = 1000;
        for (int start = 0; start < train.count(); start += chunk) {
            int count = Math.min(chunk, train.count() - start);
            float[] part = teacher.probabilities(Arrays.copyOfRange(inputs, start * teacher.inputSize(),
                    (start + count) * teacher.inputSize()), count, TEACHER_TEMPERATURE);
            System.arraycopy(part, 0, out, start * classes, part.length);
        }
        return out;
    }

    /** The stream as the trainer would decode it: inputs, soft targets re-tempered to the trainer's T, true labels. */
    private static List<Example> examples(LabeledImages train, float[] softened, int classes, float temperature) {
        List<Example> examples = new ArrayList<>(train.count());
        for (int i = 0; i < train.count(); i++) {
            float[] input = new float[train.imageSize()];
            train.writeUnitFloats(i, input, 0);
            float[] teacher = SoftTargets.retemper(Arrays.copyOfRange(softened, i * classes, (i + 1) * classes),
                    TEACHER_TEMPERATURE, temperature);
            examples.add(new Example("q-" + i, input, teacher, train.labels()[i], i, i));
        }
        return examples;
    }

    private static int[] shuffled(int count, Random random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}

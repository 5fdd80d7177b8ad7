package io.kdstream.app.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.examples.LabelledExample;
import io.kdstream.gateway.examples.RecentExamples;
import io.kdstream.gateway.models.ModelManager;
import io.kdstream.gateway.models.ModelSlot;
import io.kdstream.gateway.models.PairedGate;
import io.kdstream.gateway.models.PromotionGates;
import io.kdstream.gateway.models.VersionRecord;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.Lineage;
import io.kdstream.schemas.PartitionOffset;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.training.Batch;
import io.kdstream.trainer.training.StudentSetup;
import io.kdstream.trainer.training.TeacherDistiller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code kd bench gates}: a stream of student checkpoints, most of them good (successive checkpoints of one
 * distillation run, made by the trainer's own {@link TeacherDistiller} with the trainer's default settings, so they
 * carry the published weight average as the trainer's checkpoints do) and some deliberately worse (trained on shuffled labels, trained on only three classes, good
 * weights with Gaussian noise added), offered to the gateway's {@link ModelManager} with its paired gate exactly as the
 * checkpoint follower offers them. The gate's examples are teacher-labelled test images, which no checkpoint trained
 * on. Every manifest claims the same holdout score, so only the gateway's own measurement can tell them apart.
 *
 * <p>Goals (issue 11): every bad checkpoint refused, at least 90% of good ones accepted, gate time p99 under 250 ms.
 */
public final class GatesBenchmark {

    private static final String LABELS_TOPIC = "kd-soft-labels";
    private static final int BATCH = 64;
    private static final int FEW_CLASSES = 3;

    /**
     * @param goodCheckpoints good checkpoints after the first served one
     * @param badEvery        one bad checkpoint after every this many good ones, cycling through the kinds
     * @param stepsBetween    optimizer steps between two good checkpoints
     * @param warmupSteps     steps before the first checkpoint
     * @param examples        teacher-labelled test images held for the gate
     * @param noise           standard deviation of the noise added to each perturbed parameter, relative to its own
     * @param publishEmaDecay the trainer's {@code publish.ema.decay} for the good checkpoints (0: the newest weights)
     */
    public record Settings(String student, int goodCheckpoints, int badEvery, int stepsBetween, int warmupSteps,
                           int examples, double noise, long seed, double publishEmaDecay) {

        public static final Settings DEFAULT = new Settings(Architecture.FASHION_STUDENT.spec(), 30, 3, 20, 200, 4000, 1.0, 11,
                (Double) TrainerConfig.DEFINITION.configKeys().get(TrainerConfig.PUBLISH_EMA_DECAY).defaultValue);
    }

    private enum Kind { GOOD, SHUFFLED_LABELS, FEW_CLASSES, PERTURBED }

    private GatesBenchmark() {
    }

    public static Map<String, Object> run(Settings settings, Classifier teacher) {
        Architecture student = Architecture.parse(settings.student());
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN);
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST);
        Random random = new Random(settings.seed());

        RecentExamples recent = new RecentExamples(settings.examples());
        labelled(test, teacher, settings.examples()).forEach(recent::add);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PairedGate.Settings gateSettings = new PairedGate.Settings(300, 1000, Duration.ZERO, 0.01, 0.05, 20, 2.0, 0.6);
        Map<Kind, int[]> counts = new TreeMap<>();
        Map<String, Integer> badReasons = new TreeMap<>();
        Map<String, Integer> goodReasons = new TreeMap<>();
        List<Double> gateMillis = new ArrayList<>();
        List<Double> offerMillis = new ArrayList<>();
        StudentSetup setup = trainerSetup(settings);
        long start = System.nanoTime();
        try (ModelManager models = new ModelManager(new PromotionGates(0.0, 1.0, Device.cpu()),
                new PairedGate(recent, LABELS_TOPIC, gateSettings), new ModelSlot(), 3, new GatewayMetrics(registry));
             TeacherDistiller good = new TeacherDistiller(setup, null);
             Learner shuffled = learner(student, null);
             Learner fewClasses = learner(student, null)) {
            int[] cursor = {0};
            for (int step = 0; step < settings.warmupSteps(); step++) {
                distilStep(good, setup.temperature(), train, teacher, cursor);
                trainStep(shuffled, train, teacher, cursor, random, Kind.SHUFFLED_LABELS);
                trainStep(fewClasses, train, teacher, cursor, random, Kind.FEW_CLASSES);
            }
            long version = 1;
            byte[] goodWeights = published(good);
            models.offer(manifest(version, student, goodWeights), goodWeights);
            Kind[] badKinds = {Kind.SHUFFLED_LABELS, Kind.FEW_CLASSES, Kind.PERTURBED};
            int bad = 0;
            for (int g = 1; g <= settings.goodCheckpoints(); g++) {
                for (int step = 0; step < settings.stepsBetween(); step++) {
                    distilStep(good, setup.temperature(), train, teacher, cursor);
                }
                goodWeights = published(good);
                offer(models, registry, ++version, student, goodWeights, Kind.GOOD, counts, goodReasons, gateMillis, offerMillis);
                if (g % settings.badEvery() == 0) {
                    Kind kind = badKinds[bad++ % badKinds.length];
                    byte[] weights = switch (kind) {
                        case SHUFFLED_LABELS -> trainMore(shuffled, settings.stepsBetween(), train, teacher, cursor, random, kind);
                        case FEW_CLASSES -> trainMore(fewClasses, settings.stepsBetween(), train, teacher, cursor, random, kind);
                        default -> perturbed(student, goodWeights, settings.noise(), random);
                    };
                    offer(models, registry, ++version, student, weights, kind, counts, badReasons, gateMillis, offerMillis);
                }
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        int badTotal = 0;
        int badRefused = 0;
        for (Map.Entry<Kind, int[]> entry : counts.entrySet()) {
            if (entry.getKey() != Kind.GOOD) {
                badTotal += entry.getValue()[0];
                badRefused += entry.getValue()[0] - entry.getValue()[1];
            }
        }
        int[] goodCounts = counts.getOrDefault(Kind.GOOD, new int[2]);
        figures.put("student", student.spec());
        figures.put("good_publish_ema_decay", settings.publishEmaDecay());
        figures.put("gate_examples", Math.min(settings.examples(), gateSettings.maxExamples()));
        figures.put("bad_total", badTotal);
        figures.put("bad_refused", badRefused);
        counts.forEach((kind, c) -> {
            if (kind != Kind.GOOD) {
                figures.put("bad_" + kind.name().toLowerCase(Locale.ROOT) + "_refused", (c[0] - c[1]) + "/" + c[0]);
            }
        });
        figures.put("bad_refusal_reasons", badReasons.toString());
        figures.put("good_total", goodCounts[0]);
        figures.put("good_accepted", goodCounts[1]);
        figures.put("good_refusal_reasons", goodReasons.toString());
        figures.put("gate_ms_p50", percentile(gateMillis, 0.50));
        figures.put("gate_ms_p99", percentile(gateMillis, 0.99));
        figures.put("offer_ms_p50", percentile(offerMillis, 0.50));
        figures.put("offer_ms_p99", percentile(offerMillis, 0.99));
        figures.put("goal_every_bad_refused", badRefused == badTotal);
        figures.put("goal_good_accepted_at_least_0_9", goodCounts[0] > 0 && goodCounts[1] >= 0.9 * goodCounts[0]);
        figures.put("goal_gate_p99_under_250_ms", percentile(gateMillis, 0.99) < 250);
        figures.put("seconds", (System.nanoTime() - start) / 1e9);
        return figures;
    }

    private static void offer(ModelManager models, SimpleMeterRegistry registry, long version, Architecture student,
                              byte[] weights, Kind kind, Map<Kind, int[]> counts, Map<String, Integer> reasons,
                              List<Double> gateMillis, List<Double> offerMillis) {
        double gateBefore = gateTotalMillis(registry);
        long start = System.nanoTime();
        VersionRecord record = models.offer(manifest(version, student, weights), weights);
        offerMillis.add((System.nanoTime() - start) / 1e6);
        gateMillis.add(gateTotalMillis(registry) - gateBefore);
        int[] c = counts.computeIfAbsent(kind, k -> new int[2]);
        c[0]++;
        if (record.reason() == null) {
            c[1]++;
        } else {
            reasons.merge(record.reason(), 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "v%-3d %-16s %-18s gate %6.1f ms  %s%n", version, kind.name().toLowerCase(Locale.ROOT),
                record.reason() == null ? "accepted" : record.reason(), gateMillis.get(gateMillis.size() - 1),
                record.detail() == null ? "" : record.detail());
    }

    private static double gateTotalMillis(SimpleMeterRegistry registry) {
        return registry.find(GatewayMetrics.GATE_DURATION).timers().stream()
                .mapToDouble(timer -> timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).sum();
    }

    /** Test images labelled by the teacher at temperature 1, at offsets 0.. of partition 0. */
    private static List<LabelledExample> labelled(LabeledImages test, Classifier teacher, int n) {
        int size = test.imageSize();
        List<LabelledExample> examples = new ArrayList<>(n);
        for (int start = 0; start < n; start += 256) {
            int rows = Math.min(256, n - start);
            float[] inputs = new float[rows * size];
            for (int i = 0; i < rows; i++) {
                test.writeUnitFloats(start + i, inputs, i * size);
            }
            float[] probabilities = teacher.probabilities(inputs, rows, 1f);
            int classes = teacher.classes();
            for (int i = 0; i < rows; i++) {
                examples.add(new LabelledExample(0, start + i, test.tensor(start + i),
                        Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes), test.label(start + i)));
            }
        }
        return examples;
    }

    /**
     * A stand-in teacher for machines without a trained one ({@code ./kd teacher train}): a wider MLP given
     * {@code steps} steps on hard labels. It is a weaker teacher than the reference CNN, which does not matter here:
     * the gate measures agreement with whatever teacher labels the stream.
     */
    public static Classifier standInTeacher(int steps) {
        Architecture architecture = Architecture.parse("mlp:784-256-10");
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN);
        int size = train.imageSize();
        try (Learner learner = new Learner(architecture, Device.cpu(), new DistillationLoss(1f, 0f), OptimizerSettings.DEFAULT, null)) {
            Random random = new Random(7);
            for (int step = 0; step < steps; step++) {
                float[] inputs = new float[BATCH * size];
                int[] labels = new int[BATCH];
                float[] targets = new float[BATCH * 10];
                for (int i = 0; i < BATCH; i++) {
                    int index = random.nextInt(train.count());
                    train.writeUnitFloats(index, inputs, i * size);
                    labels[i] = train.label(index);
                    targets[i * 10 + labels[i]] = 1f;
                }
                learner.step(inputs, BATCH, targets, labels);
            }
            return Classifier.fromWeights(architecture, learner.weights(), Device.cpu());
        }
    }

    /** The trainer's default setup for the student, publishing the average with {@code publishEmaDecay}. */
    private static StudentSetup trainerSetup(Settings settings) {
        return new TrainerConfig(Map.of(TrainerConfig.STUDENT_ARCHITECTURE, settings.student(),
                TrainerConfig.PUBLISH_EMA_DECAY, String.valueOf(settings.publishEmaDecay()))).studentSetup(Device.cpu());
    }

    /** What the trainer would publish now: its snapshot's weights (no holdout here: the gate measures). */
    private static byte[] published(TeacherDistiller distiller) {
        return distiller.snapshot(List.of()).weights();
    }

    /** One trainer step on the next batch of training images, with the teacher's labels softened at the trainer's T. */
    private static void distilStep(TeacherDistiller distiller, float temperature, LabeledImages train, Classifier teacher,
                                   int[] cursor) {
        int size = train.imageSize();
        float[] inputs = new float[BATCH * size];
        int[] labels = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int index = cursor[0]++ % train.count();
            train.writeUnitFloats(index, inputs, i * size);
            labels[i] = train.label(index);
        }
        distiller.step(new Batch(inputs, teacher.probabilities(inputs, BATCH, temperature), labels, BATCH, BATCH));
    }

    private static Learner learner(Architecture student, byte[] weights) {
        return new Learner(student, Device.cpu(), new DistillationLoss(1f, 0.5f), OptimizerSettings.DEFAULT, weights);
    }

    private static byte[] trainMore(Learner learner, int steps, LabeledImages train, Classifier teacher, int[] cursor,
                                    Random random, Kind kind) {
        for (int step = 0; step < steps; step++) {
            trainStep(learner, train, teacher, cursor, random, kind);
        }
        return learner.weights();
    }

    /**
     * One step of a bad run on the next batch of training images: with labels drawn at random (shuffled labels), or on
     * images of the first {@value #FEW_CLASSES} classes only.
     */
    private static void trainStep(Learner learner, LabeledImages train, Classifier teacher, int[] cursor, Random random, Kind kind) {
        int size = train.imageSize();
        float[] inputs = new float[BATCH * size];
        int[] labels = new int[BATCH];
        for (int i = 0; i < BATCH; ) {
            int index = cursor[0]++ % train.count();
            if (kind == Kind.FEW_CLASSES && train.label(index) >= FEW_CLASSES) {
                continue;
            }
            train.writeUnitFloats(index, inputs, i * size);
            labels[i++] = kind == Kind.SHUFFLED_LABELS ? random.nextInt(teacher.classes()) : train.label(index);
        }
        float[] targets;
        if (kind == Kind.SHUFFLED_LABELS) {
            targets = new float[BATCH * teacher.classes()];
            for (int i = 0; i < BATCH; i++) {
                targets[i * teacher.classes() + labels[i]] = 1f;
            }
        } else {
            targets = teacher.probabilities(inputs, BATCH, 1f);
        }
        learner.step(inputs, BATCH, targets, labels);
    }

    /** Good weights with Gaussian noise of {@code noise} times each parameter's own standard deviation added. */
    private static byte[] perturbed(Architecture student, byte[] weights, double noise, Random random) {
        try (Learner learner = learner(student, weights)) {
            for (Parameter parameter : learner.block().getParameters().values()) {
                NDArray array = parameter.getArray();
                float[] values = array.toFloatArray();
                double mean = 0;
                for (float v : values) {
                    mean += v;
                }
                mean /= values.length;
                double variance = 0;
                for (float v : values) {
                    variance += (v - mean) * (v - mean);
                }
                double sigma = noise * Math.sqrt(variance / values.length);
                for (int i = 0; i < values.length; i++) {
                    values[i] += (float) (random.nextGaussian() * sigma);
                }
                array.set(values);
            }
            return learner.weights();
        }
    }

    private static Checkpoint manifest(long version, Architecture student, byte[] weights) {
        return Checkpoint.newBuilder()
                .setModel("student").setVersion(version).setParentVersion(version > 1 ? version - 1 : null)
                .setCreatedTime(Instant.now()).setFormat(WeightsCodec.FORMAT).setArchitecture(student.spec())
                .setSha256(WeightsCodec.sha256(weights)).setSizeBytes(weights.length).setChunkCount(1)
                .setLineage(Lineage.newBuilder().setSamplesSeen(version * BATCH)
                        .setOffsets(List.of(new PartitionOffset(LABELS_TOPIC, 0, 0L))).build())
                // the same claim for every checkpoint: only the gateway's own measurement may tell them apart
                .setHoldout(HoldoutScores.newBuilder().setExamples(1000).setAgreement(0.9f).setKl(0.1f).setAccuracy(null).build())
                .build();
    }

    private static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}

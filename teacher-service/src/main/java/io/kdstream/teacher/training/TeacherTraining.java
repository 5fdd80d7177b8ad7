package io.kdstream.teacher.training;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.kdstream.core.data.FashionMnist;
import io.kdstream.core.data.LabeledData;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.Devices;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.teacher.model.ClassifierTeacher;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.model.Teachers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the reference teacher of a task with plain cross-entropy (the distillation loss with α = 0), scores it on the
 * task's test examples, measures its single-example latency and saves it with its task into a {@link TeacherStore}.
 * Any task's data will do ({@link LabeledData}); the architecture defaults to {@link Architecture#teacherFor} the task.
 *
 * <p>The learning rate follows a cosine schedule over the whole run; shuffling and initialisation follow the seed.
 * A last partial batch of each epoch is skipped, so every step sees a full batch (batch norm needs more than one example).
 */
public final class TeacherTraining {

    private static final Logger LOG = LoggerFactory.getLogger(TeacherTraining.class);
    /** Architecture and format of a TorchScript teacher's description: the file holds both. */
    public static final String TORCHSCRIPT = "torchscript";
    private static final int EVALUATION_BATCH = 500;
    private static final int LATENCY_WARMUP = 10;
    private static final int LATENCY_SAMPLES = 50;

    private final Settings settings;

    /**
     * How the teacher is trained.
     *
     * @param architecture the model, e.g. {@link Architecture#FASHION_TEACHER}; null means {@link Architecture#teacherFor}
     *                     the task of the data trained on
     * @param epochs       passes over the training images
     * @param batchSize    examples per optimizer step (at least 2)
     * @param learningRate Adam's base learning rate
     * @param seed         seed of the initialisation, dropout and shuffling
     * @param device       {@code auto}, {@code cpu} or {@code gpu}
     */
    public record Settings(Architecture architecture, int epochs, int batchSize, float learningRate, int seed, String device) {

        /**
         * Ten epochs: 0.9227 test accuracy in 327 s on two idle CPU cores (three gave 0.9046 in 99 s). Distillation
         * pays only when the teacher is clearly stronger than the student, so the extra minutes are worth it.
         */
        public static final Settings DEFAULT = new Settings(Architecture.FASHION_TEACHER, 10, 128, 1e-3f, 42, "auto");

        /** {@link #DEFAULT} with the reference architecture of whichever task the data is for. */
        public static final Settings ANY_TASK = new Settings(null, DEFAULT.epochs, DEFAULT.batchSize, DEFAULT.learningRate,
                DEFAULT.seed, DEFAULT.device);

        public Settings {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1 but is " + epochs);
            }
            if (batchSize < 2) {
                throw new IllegalArgumentException("batch size must be >= 2 (batch norm needs two examples) but is " + batchSize);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0 but is " + learningRate);
            }
        }

        /** The architecture trained for {@code task}: the configured one, or the task's reference teacher. */
        public Architecture architectureFor(TaskContract task) {
            return architecture == null ? Architecture.teacherFor(task) : architecture;
        }

        /** The teacher's id: {@code fashion-cnn} or {@code fashion-mlp} for Fashion-MNIST, else {@code <task>-<kind>}. */
        public String teacherId(TaskContract task) {
            String prefix = task.equals(BuiltInTasks.FASHION_MNIST) ? "fashion" : task.name();
            return prefix + "-" + architectureFor(task).kind();
        }
    }

    public TeacherTraining(Settings settings) {
        this.settings = settings;
    }

    /** Trains on the 60,000 Fashion-MNIST training images, scores on the 10,000 test images, saves into {@code store}. */
    public TeacherManifest trainAndSave(TeacherStore store, TrainingListener listener) {
        return trainAndSave(FashionMnist.load(FashionMnist.Split.TRAIN), FashionMnist.load(FashionMnist.Split.TEST), store, listener);
    }

    /**
     * Trains on {@code train}, scores on {@code test}, saves into {@code store} with the data's task and returns the
     * manifest written.
     *
     * @throws IllegalArgumentException when train and test are of different tasks, the architecture does not fit the
     *                                  task, or there are fewer training examples than one batch
     */
    public TeacherManifest trainAndSave(LabeledData train, LabeledData test, TeacherStore store, TrainingListener listener) {
        TaskContract task = train.task();
        String otherTask = task.mismatchWith(test.task());
        if (otherTask != null) {
            throw new IllegalArgumentException("the test data is not of the training data's task: " + otherTask);
        }
        Architecture architecture = settings.architectureFor(task).requireFits(task);
        if (train.count() < settings.batchSize()) {
            throw new IllegalArgumentException("batch size " + settings.batchSize() + " exceeds the " + train.count() + " training examples");
        }
        long started = System.nanoTime();
        Engine.getEngine("PyTorch").setRandomSeed(settings.seed());
        Device device = Devices.choose(settings.device(), "teacher training");
        byte[] weights;
        try (Learner learner = new Learner(architecture, device, new DistillationLoss(1f, 0f), optimizer(train), null)) {
            fit(learner, architecture, train, listener);
            weights = learner.weights();
        }
        String sha256 = WeightsCodec.sha256(weights);
        double accuracy;
        double latencyMs;
        try (Classifier classifier = Classifier.fromWeights(architecture, weights, device)) {
            accuracy = accuracy(classifier, test);
            latencyMs = singleExampleLatencyMs(classifier, test);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        TeacherManifest manifest = new TeacherManifest(settings.teacherId(task), TeacherManifest.versionOf(sha256),
                architecture.spec(), WeightsCodec.FORMAT, accuracy, architecture.parameterCount(), latencyMs,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), seconds, sha256, task);
        store.save(manifest, weights);
        LOG.info("Teacher {} v{} of task {} saved in {}: test accuracy {}, {} parameters, {} ms per example, trained in {} s",
                manifest.id(), manifest.version(), task.name(), store.dir(), String.format("%.4f", accuracy), manifest.parameters(),
                String.format("%.2f", latencyMs), String.format("%.0f", seconds));
        return manifest;
    }

    private OptimizerSettings optimizer(LabeledData train) {
        int steps = settings.epochs() * (train.count() / settings.batchSize());
        return new OptimizerSettings("adam", settings.learningRate(), "cosine", Math.max(1, steps), 0f);
    }

    private void fit(Learner learner, Architecture architecture, LabeledData train, TrainingListener listener) {
        int batch = settings.batchSize();
        int inputSize = architecture.inputSize();
        int stepsPerEpoch = train.count() / batch;
        long total = (long) settings.epochs() * stepsPerEpoch * batch;
        float[] inputs = new float[batch * inputSize];
        // α = 0: the teacher-probability input of the loss is unused, zeros keep its KL term at exactly 0.
        float[] noTeacher = new float[batch * architecture.classes()];
        int[] labels = new int[batch];
        Random random = new Random(settings.seed());
        int[] order = identity(train.count());
        long done = 0;
        float runningLoss = Float.NaN;
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            shuffle(order, random);
            for (int step = 0; step < stepsPerEpoch; step++) {
                for (int i = 0; i < batch; i++) {
                    int example = order[step * batch + i];
                    train.writeInput(example, inputs, i * inputSize);
                    labels[i] = train.label(example);
                }
                float loss = learner.step(inputs, batch, noTeacher, labels);
                if (!Float.isFinite(loss)) {
                    // Seen with PyTorch's multi-threaded CPU convolutions on very narrow layers (4-8 channels).
                    throw new IllegalStateException("teacher training diverged: the loss is " + loss + " at epoch " + epoch
                            + ", step " + (step + 1) + "; lower the learning rate (" + settings.learningRate()
                            + ") or widen the architecture (" + architecture + ")");
                }
                runningLoss = Float.isNaN(runningLoss) ? loss : 0.98f * runningLoss + 0.02f * loss;
                done += batch;
                listener.onStep(epoch, done, total, runningLoss);
            }
        }
    }

    /**
     * A TorchScript teacher described as {@link #trainAndSave} describes a trained one: its id (the file's name), version,
     * parameters, and top-1 accuracy and single-example latency on {@code test}; nothing is saved. {@code kd demo}
     * reports a TorchScript teacher so. Its task is the one its sidecar file declares, else {@code task}.
     *
     * @throws IllegalStateException when the sidecar declares another task than {@code task}, naming both
     */
    public static TeacherManifest describeTorchScript(Path file, TaskContract task, LabeledData test, Device device) {
        TaskContract declared = Teachers.declaredTask(file).orElse(task);
        long[] shape = declared.shape().stream().mapToLong(Integer::longValue).toArray();
        String sha256 = Teachers.sha256(file);
        try (ClassifierTeacher teacher = Teachers.fromTorchScript(file, Teachers.baseName(file), declared, shape, device)) {
            Teachers.requireTask(teacher, task);
            Classifier classifier = teacher.classifier();
            return new TeacherManifest(teacher.id(), teacher.version(), TORCHSCRIPT, TORCHSCRIPT, accuracy(classifier, test),
                    classifier.parameterCount(), singleExampleLatencyMs(classifier, test), null, 0, sha256, declared);
        }
    }

    /** Top-1 accuracy of {@code classifier} on {@code data}. */
    public static double accuracy(Classifier classifier, LabeledData data) {
        int classes = classifier.classes();
        int inputSize = data.task().inputSize();
        int correct = 0;
        for (int start = 0; start < data.count(); start += EVALUATION_BATCH) {
            int n = Math.min(EVALUATION_BATCH, data.count() - start);
            float[] inputs = new float[n * inputSize];
            for (int i = 0; i < n; i++) {
                data.writeInput(start + i, inputs, i * inputSize);
            }
            float[] probabilities = classifier.probabilities(inputs, n, 1f);
            for (int i = 0; i < n; i++) {
                correct += argmax(probabilities, i * classes, classes) == data.label(start + i) ? 1 : 0;
            }
        }
        return (double) correct / data.count();
    }

    /** Median wall time of a forward pass on one example, after a short warm-up. */
    public static double singleExampleLatencyMs(Classifier classifier, LabeledData data) {
        float[] input = data.input(0);
        for (int i = 0; i < LATENCY_WARMUP; i++) {
            classifier.probabilities(input, 1, 1f);
        }
        long[] nanos = new long[LATENCY_SAMPLES];
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            long start = System.nanoTime();
            classifier.probabilities(input, 1, 1f);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[LATENCY_SAMPLES / 2] / 1e6;
    }

    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) {
            if (values[offset + c] > values[offset + best]) {
                best = c;
            }
        }
        return best;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }
}

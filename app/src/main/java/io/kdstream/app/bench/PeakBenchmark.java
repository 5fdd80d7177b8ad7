package io.kdstream.app.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;

/**
 * {@code kd bench peak}: how close the teacher's inference and the trainer's step come to the arithmetic this CPU can
 * do through the same libtorch, with the same number of PyTorch threads.
 *
 * <ul>
 *   <li><b>gemm</b>: a large square fp32 matrix product through DJL: the limit (2·n³ FLOPs per product).</li>
 *   <li><b>teacher</b>: the teacher architecture's batched forward pass at the service's batch size, FLOPs counted
 *       from the architecture ({@link Architecture#forwardFlops}).</li>
 *   <li><b>trainer</b>: one optimizer step of the student at the trainer's batch size, counted as three forward
 *       passes (forward, input gradients, weight gradients).</li>
 *   <li><b>gemm at the student's shape</b>: the product of the student's first layer alone, which says how much of
 *       the gap is the small matrices themselves rather than the training loop around them.</li>
 * </ul>
 * Weights are untrained: speed does not depend on their values.
 */
public final class PeakBenchmark {

    /**
     * @param teacher  the teacher architecture
     * @param student  the student architecture
     * @param batch    examples per teacher call and per trainer step
     * @param gemmSize side of the square matrices of the limit
     * @param seconds  time spent measuring each phase
     * @param threads  PyTorch intra-op threads, as the services use
     */
    public record Settings(Architecture teacher, Architecture student, int batch, int gemmSize, double seconds, int threads) {

        /** The Fashion-MNIST teacher and student at the services' batch of 64, one thread fewer than the cores. */
        public static Settings defaults() {
            return new Settings(Architecture.FASHION_TEACHER, Architecture.FASHION_STUDENT, 64, 1024, 3.0,
                    Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        }
    }

    /** Goals of issue 14: the share of the GEMM rate each stage should reach. */
    static final double TEACHER_GOAL = 0.5;
    static final double TRAINER_GOAL = 0.3;

    private PeakBenchmark() {
    }

    public static Map<String, Object> run(Settings settings) {
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, PipelineProfile.RAW_THREAD));
        try {
            return TeacherBenchmark.onThread(thread, () -> {
                // The native library loads with the engine; only then can the thread count be set.
                Engine.getEngine("PyTorch");
                JniUtils.setNumThreads(settings.threads());
                return measure(settings);
            }, "the peak benchmark failed");
        } finally {
            thread.shutdownNow();
        }
    }

    private static Map<String, Object> measure(Settings settings) {
        Map<String, Object> figures = new LinkedHashMap<>();
        double gemm = gemmGflops(settings.gemmSize(), settings.gemmSize(), settings.gemmSize(), settings.seconds());
        double teacher = teacherGflops(settings);
        double trainer = trainerGflops(settings);
        int firstHidden = settings.student().kind().equals("mlp") ? settings.student().layers()[1] : settings.gemmSize();
        double studentShape = gemmGflops(settings.batch(), settings.student().inputSize(), firstHidden, settings.seconds());
        figures.put("threads", settings.threads());
        figures.put("cpus", Runtime.getRuntime().availableProcessors());
        figures.put("gemm_size", settings.gemmSize());
        figures.put("gemm_gflops", round(gemm));
        figures.put("teacher", settings.teacher().spec());
        figures.put("teacher_mflop_per_example", round(settings.teacher().forwardFlops() / 1e6));
        figures.put("teacher_gflops", round(teacher));
        figures.put("teacher_ratio", round(teacher / gemm));
        figures.put("teacher_goal", TEACHER_GOAL);
        figures.put("student", settings.student().spec());
        figures.put("trainer_mflop_per_example", round(3 * settings.student().forwardFlops() / 1e6));
        figures.put("trainer_gflops", round(trainer));
        figures.put("trainer_ratio", round(trainer / gemm));
        figures.put("trainer_goal", TRAINER_GOAL);
        String shape = settings.batch() + "x" + settings.student().inputSize() + "x" + firstHidden;
        figures.put("gemm_student_shape", shape);
        figures.put("gemm_student_shape_gflops", round(studentShape));
        figures.put("gemm_student_shape_ratio", round(studentShape / gemm));
        figures.put("batch", settings.batch());
        figures.put("teacher_limited_by", teacher / gemm >= TEACHER_GOAL ? "meets the goal"
                : "convolutions: libtorch's CPU convolution (im2col + GEMM, or oneDNN) reaches less than a plain GEMM, "
                + "the first layer has one input channel (little arithmetic per byte) and pooling, batch norm and ReLU "
                + "move memory without arithmetic");
        // How long a step takes, and how much of it its matrix products would take at their own shape's rate.
        double stepMicros = 3 * settings.student().forwardFlops() * settings.batch() / (trainer * 1e3);
        double productMicros = 3 * settings.student().forwardFlops() * settings.batch() / (studentShape * 1e3);
        figures.put("trainer_step_us", round(stepMicros));
        figures.put("trainer_step_products_us", round(productMicros));
        figures.put("trainer_limited_by", trainer / gemm >= TRAINER_GOAL ? "meets the goal"
                : String.format(Locale.ROOT, "overhead per step, not arithmetic: of each %.0f us step the matrix products "
                + "would take %.0f us at the rate a %s product reaches here (%.2f of the large GEMM); the rest is per-operation "
                + "dispatch through DJL's JNI, the loss, gradient bookkeeping and the optimizer update, which a student this "
                + "small (%.2f MFLOP per example per step) cannot amortise", stepMicros, productMicros, shape,
                studentShape / gemm, 3 * settings.student().forwardFlops() / 1e6));
        return figures;
    }

    /** GFLOP/s of an (m×k)·(k×n) fp32 product, repeated for {@code seconds} after a warm-up. */
    static double gemmGflops(int m, int k, int n, double seconds) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(m, k));
            NDArray b = manager.randomUniform(-1, 1, new Shape(k, n));
            LongSupplier product = () -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
                return 2L * m * k * n;
            };
            return timed(product, seconds);
        }
    }

    private static double teacherGflops(Settings settings) {
        Architecture architecture = settings.teacher();
        try (Classifier classifier = Classifier.fromWeights(architecture, untrainedWeights(architecture), Device.cpu())) {
            float[] inputs = randomInputs(settings.batch() * architecture.inputSize());
            long flops = architecture.forwardFlops() * settings.batch();
            return timed(() -> {
                classifier.probabilities(inputs, settings.batch(), 4f);
                return flops;
            }, settings.seconds());
        }
    }

    private static double trainerGflops(Settings settings) {
        Architecture architecture = settings.student();
        int classes = architecture.classes();
        float[] inputs = randomInputs(settings.batch() * architecture.inputSize());
        float[] teacher = new float[settings.batch() * classes];
        java.util.Arrays.fill(teacher, 1f / classes);
        int[] labels = new int[settings.batch()];
        java.util.Arrays.fill(labels, -1);
        long flops = 3 * architecture.forwardFlops() * settings.batch();
        try (Learner learner = new Learner(architecture, Device.cpu(), new DistillationLoss(4f, 1f), OptimizerSettings.DEFAULT, null)) {
            return timed(() -> {
                learner.step(inputs, settings.batch(), teacher, labels);
                return flops;
            }, settings.seconds());
        }
    }

    /** Runs {@code work} (returning the FLOPs it did) for a fifth of {@code seconds} to warm up, then for {@code seconds}. */
    private static double timed(LongSupplier work, double seconds) {
        long warmUntil = System.nanoTime() + (long) (seconds * 0.2e9);
        while (System.nanoTime() < warmUntil) {
            work.getAsLong();
        }
        long started = System.nanoTime();
        long until = started + (long) (seconds * 1e9);
        long flops = 0;
        long now;
        do {
            flops += work.getAsLong();
            now = System.nanoTime();
        } while (now < until);
        return flops / ((now - started) / 1e9) / 1e9;
    }

    private static byte[] untrainedWeights(Architecture architecture) {
        try (Learner untrained = new Learner(architecture, Device.cpu(), new DistillationLoss(1f, 0f), OptimizerSettings.DEFAULT, null)) {
            return untrained.weights();
        }
    }

    private static float[] randomInputs(int size) {
        java.util.Random random = new java.util.Random(14);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 11's suspects, a snapshot torn by the optimizer or native memory read after another thread freed it: the
 * training thread's weights must not depend on what other threads do with native memory. The same batches from the
 * same weights give bit-for-bit the same weights, whether trained alone on the caller's thread or on the worker's
 * thread with snapshots queued between steps while two other threads allocate, scribble on and drop native buffers
 * and the garbage collector runs (which frees the direct buffers DJL creates tensors over).
 *
 * <p>Run it under {@code MALLOC_ARENA_MAX=1} (freed memory is handed out again at once) and
 * {@code MALLOC_PERTURB_=165} (glibc fills memory it hands out with 0x5a and memory freed with 0xa5) to make a
 * use-after-free or a read of uninitialised memory change the weights: the test logs the digest of the final
 * weights, which must then be the same as in a run without those variables (the seed is fixed).
 */
class TrainingWorkerMemoryTest {

    private static final Architecture STUDENT = Architecture.parse("cnn:28x28-4-8-16-10");

    @Test
    void shouldTrainTheSameWeightsWhileOtherThreadsChurnNativeMemory() throws Exception {
        StudentSetup setup = new StudentSetup(STUDENT, Device.cpu(), 2f, 0.8f, OptimizerSettings.DEFAULT, 0f, 1);
        List<Batch> batches = batches(200, 32, new Random(3));
        Engine.getInstance().setRandomSeed(5);
        byte[] initial;
        try (Learner fresh = setup.newLearner(null)) {
            initial = fresh.weights();
        }
        List<String> alone = new ArrayList<>();
        try (Learner learner = setup.newLearner(initial)) {
            for (int i = 0; i < batches.size(); i++) {
                Batch b = batches.get(i);
                learner.step(b.inputs(), b.size(), b.teacher(), b.labels());
                if ((i + 1) % 10 == 0) {
                    alone.add(digest(learner.weights()));
                }
            }
        }

        AtomicBoolean churning = new AtomicBoolean(true);
        List<Thread> churners = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread churner = new Thread(() -> churn(churning), "churn-" + t);
            churner.setDaemon(true);
            churner.start();
            churners.add(churner);
        }
        List<Future<Snapshot>> snapshots = new ArrayList<>();
        try (TrainingWorker worker = new TrainingWorker("memory-test-steps", 4, (n, loss, nanos) -> { })) {
            worker.reset(() -> new TeacherDistiller(setup, initial));
            for (int i = 0; i < batches.size(); i++) {
                worker.train(batches.get(i));
                if ((i + 1) % 10 == 0) {
                    snapshots.add(worker.snapshotLater(List.of()));
                }
                if (i % 25 == 0) {
                    System.gc();
                }
            }
            List<String> threaded = new ArrayList<>();
            for (Future<Snapshot> pending : snapshots) {
                threaded.add(digest(worker.snapshotOf(pending).weights()));
            }
            LoggerFactory.getLogger(TrainingWorkerMemoryTest.class).info("Final weights sha256 {}", alone.get(alone.size() - 1));
            assertThat(threaded).isEqualTo(alone);
        } finally {
            churning.set(false);
            for (Thread churner : churners) {
                churner.join();
            }
        }
    }

    /** Allocates native memory of varied sizes, fills it with a pattern that is no weight, and drops it. */
    private static void churn(AtomicBoolean running) {
        Random random = new Random();
        byte[] garbage = new byte[1 << 16];
        Arrays.fill(garbage, (byte) 0x7f);
        while (running.get()) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 + random.nextInt(1 << 16));
            while (buffer.remaining() >= 1) {
                buffer.put(garbage, 0, Math.min(garbage.length, buffer.remaining()));
            }
        }
    }

    private static List<Batch> batches(int count, int size, Random random) {
        int inputSize = STUDENT.inputSize();
        int classes = STUDENT.classes();
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] inputs = new float[size * inputSize];
            float[] teacher = new float[size * classes];
            int[] labels = new int[size];
            for (int i = 0; i < size; i++) {
                int label = random.nextInt(classes);
                labels[i] = label;
                for (int j = 0; j < inputSize; j++) {
                    inputs[i * inputSize + j] = (j % classes == label ? 0.6f : 0f) + 0.4f * random.nextFloat();
                }
                for (int c = 0; c < classes; c++) {
                    teacher[i * classes + c] = c == label ? 0.82f : 0.02f;
                }
            }
            out.add(new Batch(inputs, teacher, labels, size, size));
        }
        return out;
    }

    /** Bit-for-bit identity of the weights. */
    private static String digest(byte[] weights) {
        return WeightsCodec.sha256(weights);
    }
}

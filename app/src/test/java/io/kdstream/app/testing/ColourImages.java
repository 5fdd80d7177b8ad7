package io.kdstream.app.testing;

import java.nio.file.Path;
import java.util.Random;

import io.kdstream.core.data.LabeledVectors;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;

/**
 * Seeded 3×32×32 colour images in the four classes of the colour TorchScript fixture
 * ({@code teacher-service/src/test/resources/torchscript/make_colour_teacher.py}), made so that its teacher tells them
 * apart. That teacher is linear: with {@code S} the stripe term {@code Σ x[i]·((i mod 5) − 2) / 3072} and {@code m_k}
 * the mean of channel k, its logits are {@code S + m0}, {@code 2S + m1 + 0.1}, {@code 3S + m2 + 0.2} and
 * {@code 4S + m0 + 0.3}. So each class gets a bright channel (class c lights channel c mod 3 at 0.7, the others sit
 * at 0.3) and a stripe of amplitude {@code a} across the flattened image ({@code S ≈ a}): −0.25 for class 0, which
 * only wins when S is negative, 0 for classes 1 and 2, and +0.2 for class 3, which shares channel 0 with class 0.
 * Per-image jitter of the colours (±0.05), the stripe (±0.03) and every pixel (±0.05) leaves the teacher's top logit
 * ahead of the next by about 0.37 on the median image and 0.1 at the first percentile.
 */
public final class ColourImages {

    /** The fixture, referenced in place (tests run in their module's folder) rather than copied into this module. */
    public static final Path TEACHER = Path.of("..", "teacher-service", "src", "test", "resources", "torchscript", "colour_teacher.pt");
    /** The fixture's sidecar task file: {@code colour-4}, uint8 [3, 32, 32] in [0, 1], four class names. */
    public static final Path TASK_FILE = Path.of("..", "teacher-service", "src", "test", "resources", "torchscript", "colour_teacher.task.json");

    private static final int CHANNELS = 3;
    private static final int PIXELS = 32 * 32;
    private static final float[] STRIPE = {-0.25f, 0f, 0f, 0.2f};

    private ColourImages() {
    }

    /** The fixture's task, read from its sidecar file. */
    public static TaskContract task() {
        return TaskFiles.resolve(TASK_FILE.toString());
    }

    /** {@code count} images with the class each was made for (uniformly drawn), the same for the same seed. */
    public static LabeledVectors sample(int count, long seed) {
        TaskContract task = task();
        Random random = new Random(seed);
        int size = CHANNELS * PIXELS;
        float[] values = new float[count * size];
        int[] labels = new int[count];
        float[] colour = new float[CHANNELS];
        for (int n = 0; n < count; n++) {
            int label = random.nextInt(task.classCount());
            labels[n] = label;
            for (int channel = 0; channel < CHANNELS; channel++) {
                colour[channel] = (channel == label % CHANNELS ? 0.7f : 0.3f) + jitter(random, 0.05f);
            }
            float stripe = STRIPE[label] + jitter(random, 0.03f);
            for (int i = 0; i < size; i++) {
                float value = colour[i / PIXELS] + stripe * ((i % 5) - 2) / 2 + jitter(random, 0.05f);
                values[n * size + i] = Math.max(0f, Math.min(1f, value));
            }
        }
        return new LabeledVectors(task, values, labels);
    }

    private static float jitter(Random random, float amplitude) {
        return (random.nextFloat() * 2 - 1) * amplitude;
    }
}

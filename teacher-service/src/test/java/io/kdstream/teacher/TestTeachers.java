package io.kdstream.teacher;

import java.net.URISyntaxException;
import java.nio.file.Path;

import io.kdstream.core.model.Architecture;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.training.TeacherTraining;
import io.kdstream.teacher.training.TrainingListener;

/** Small teachers trained in a second or two on a slice of Fashion-MNIST, for tests that need a stored teacher. */
public final class TestTeachers {

    public static final Architecture TINY_MLP = Architecture.parse("mlp:784-16-10");

    private TestTeachers() {
    }

    /** The TorchScript fixture made by src/test/resources/torchscript/make_tiny_teacher.py (a linear model, [1, 28, 28] to 10 logits). */
    public static Path torchScript() {
        try {
            return Path.of(TestTeachers.class.getResource("/torchscript/tiny_teacher.pt").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The colour fixture made by src/test/resources/torchscript/make_colour_teacher.py (a linear model, [3, 32, 32] to
     * 4 logits); its sidecar colour_teacher.task.json declares the task {@code colour-4}.
     */
    public static Path colourTorchScript() {
        try {
            return Path.of(TestTeachers.class.getResource("/torchscript/colour_teacher.pt").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seeded random colour images of the colour fixture's task, as bytes in channel-height-width order. */
    public static byte[][] colourImages(int count, long seed) {
        java.util.Random random = new java.util.Random(seed);
        byte[][] images = new byte[count][3 * 32 * 32];
        for (byte[] image : images) {
            random.nextBytes(image);
        }
        return images;
    }

    /** Trains {@link #TINY_MLP} for one epoch on 1,000 images and saves it into {@code dir}. */
    public static TeacherManifest tiny(Path dir, int seed) {
        TeacherTraining.Settings settings = new TeacherTraining.Settings(TINY_MLP, 1, 50, 3e-3f, seed, "cpu");
        return new TeacherTraining(settings).trainAndSave(FashionSlices.train(1000), FashionSlices.test(200),
                new TeacherStore(dir), TrainingListener.SILENT);
    }
}

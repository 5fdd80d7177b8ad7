package io.kdstream.app.testing;

import java.nio.file.Path;

import io.kdstream.core.model.Architecture;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import io.kdstream.teacher.training.TeacherTraining;
import io.kdstream.teacher.training.TrainingListener;

/**
 * A small MLP teacher trained in a few seconds on a slice of Fashion-MNIST: good enough (about 80 % accurate) that
 * its class distribution follows the traffic's, cheap enough to label hundreds of images a second on a shared CPU.
 */
public final class TinyTeacher {

    public static final Architecture ARCHITECTURE = Architecture.parse("mlp:784-128-10");
    public static final Architecture STUDENT = Architecture.parse("mlp:784-12-10");

    private TinyTeacher() {
    }

    /** Trains the teacher and saves it into {@code folder}, the value of the teacher's {@code teacher.dir}. */
    public static TeacherManifest trainInto(Path folder) {
        return new TeacherTraining(new TeacherTraining.Settings(ARCHITECTURE, 2, 64, 1e-3f, 7, "cpu"))
                .trainAndSave(FashionSlices.train(6000), FashionSlices.test(1000), new TeacherStore(folder), TrainingListener.SILENT);
    }
}

package io.kdstream.app.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;

/**
 * The reference teachers of the built-in tasks, shipped inside kd so a first {@code kd demo} starts labelling at once
 * instead of training for minutes. Each is a teacher folder ({@value TeacherStore#MANIFEST_FILE} and
 * {@value TeacherStore#WEIGHTS_FILE}) under {@value #RESOURCE_ROOT}{@code <task>/}, made by
 * {@code kd teacher train --task <task> --dir app/src/main/resources}{@value #RESOURCE_ROOT}{@code <task>}, with
 * {@code --architecture} set to the spec in its manifest (the tabular-rbf teacher predates the {@code :norm} default
 * of float vector tasks and is {@code mlp:16-256-128-5:dropout=0.1}; its features are on a unit scale already);
 * installing one into a {@link TeacherStore} checks the weights against the manifest's sha256.
 */
public final class ShippedTeachers {

    public static final String RESOURCE_ROOT = "/io/kdstream/app/teachers/";

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ShippedTeachers() {
    }

    /** Whether kd ships a teacher of {@code task}. */
    public static boolean has(TaskContract task) {
        boolean builtIn = BuiltInTasks.named(task.name()).map(known -> known.mismatchWith(task) == null).orElse(false);
        return builtIn && ShippedTeachers.class.getResource(resource(task, TeacherStore.MANIFEST_FILE)) != null;
    }

    /**
     * Copies the shipped teacher of {@code task} into {@code store}, unless the store holds a teacher already.
     *
     * @return the installed manifest, or empty when kd ships none for the task
     * @throws IllegalStateException when the shipped weights do not match their manifest's sha256 (a damaged build)
     */
    public static Optional<TeacherManifest> install(TaskContract task, TeacherStore store) {
        if (!has(task)) {
            return Optional.empty();
        }
        TeacherManifest manifest;
        byte[] weights;
        try {
            manifest = JSON.readValue(read(task, TeacherStore.MANIFEST_FILE), TeacherManifest.class);
            weights = read(task, TeacherStore.WEIGHTS_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped " + task.name() + " teacher", e);
        }
        try {
            store.save(manifest, weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the shipped " + task.name() + " teacher is damaged (" + e.getMessage()
                    + "); rebuild kd or train one with 'kd teacher train --task " + task.name() + "'", e);
        }
        return Optional.of(manifest);
    }

    /**
     * The teacher folder a task uses by default: {@code $KD_HOME/teacher} for Fashion-MNIST (where it always was), else
     * {@code $KD_HOME/teachers/<task>}.
     */
    public static Path defaultDir(TaskContract task) {
        Path fashion = TeacherStore.defaultDir();
        return task.name().equals(BuiltInTasks.FASHION_MNIST.name()) ? fashion : fashion.resolveSibling("teachers").resolve(task.name());
    }

    private static String resource(TaskContract task, String file) {
        return RESOURCE_ROOT + task.name() + "/" + file;
    }

    private static byte[] read(TaskContract task, String file) throws IOException {
        try (InputStream in = ShippedTeachers.class.getResourceAsStream(resource(task, file))) {
            if (in == null) {
                throw new IOException("no " + resource(task, file) + " in kd");
            }
            return in.readAllBytes();
        }
    }
}

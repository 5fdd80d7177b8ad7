package io.kdstream.teacher.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;
import io.kdstream.teacher.TeacherConfig;

/**
 * Builds the teacher the configuration asks for: the trained teacher, a TorchScript file, or an ensemble of them.
 *
 * <p>A stored teacher's task is in its manifest. A TorchScript file carries no task of its own: a sidecar task file
 * beside it ({@code model.pt} → {@code model.task.json}) declares it, else it is taken to be the configured task.
 */
public final class Teachers {

    /** Suffix of the task file that declares a TorchScript teacher's task, in place of {@code .pt}. */
    public static final String SIDECAR_SUFFIX = ".task.json";

    private Teachers() {
    }

    /** The ensemble when {@code ensemble.members} is set, else the TorchScript file when set, else the trained teacher. */
    public static Teacher load(TeacherConfig config, Device device) {
        if (!config.ensembleMembers().isEmpty()) {
            List<Teacher> members = new ArrayList<>();
            try {
                for (String member : config.ensembleMembers()) {
                    members.add(member(Path.of(member), config, device));
                }
                return new EnsembleTeacher(config.ensembleId(), members, config.ensembleWeights(), config.averageLogits());
            } catch (RuntimeException e) {
                members.forEach(Teacher::close);
                throw e;
            }
        }
        if (!config.torchScriptPath().isEmpty()) {
            Path file = Path.of(config.torchScriptPath());
            String id = config.teacherId().isEmpty() ? baseName(file) : config.teacherId();
            return fromTorchScript(file, id, config, device);
        }
        return fromStore(new TeacherStore(config.teacherDir()), device);
    }

    /** The trained teacher in {@code store}, its weights checked against the manifest's sha256. */
    public static Teacher fromStore(TeacherStore store, Device device) {
        StoredTeacher stored = store.load();
        return new ClassifierTeacher(stored.manifest().id(), stored.manifest().version(), stored.manifest().task(),
                stored.classifier(device));
    }

    /**
     * A TorchScript model loaded by DJL's PyTorch engine; its version is the first 12 hex digits of the file's sha256.
     *
     * @param task         the task it was made for; it outputs {@code task.classCount()} logits
     * @param exampleShape one example's shape as the model takes it, without the batch dimension, e.g.
     *                     {@code [1, 28, 28]}; it holds the task's input elements in another layout or the same
     */
    public static ClassifierTeacher fromTorchScript(Path file, String id, TaskContract task, long[] exampleShape, Device device) {
        String version = TeacherManifest.versionOf(sha256(file));
        Model model = Model.newInstance(id, device, "PyTorch");
        try {
            model.load(file);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("cannot load " + file + " as a TorchScript model: " + e.getMessage(), e);
        }
        return new ClassifierTeacher(id, version, task, Classifier.of(model, new Shape(exampleShape), task.classCount()));
    }

    /** The SHA-256 of a TorchScript file, whose first 12 hex digits are the teacher's version. */
    public static String sha256(Path torchScript) {
        if (!Files.isRegularFile(torchScript)) {
            throw new IllegalArgumentException("TorchScript teacher " + torchScript + " is not a readable file");
        }
        try {
            return WeightsCodec.sha256(Files.readAllBytes(torchScript));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TorchScript teacher " + torchScript, e);
        }
    }

    /** A TorchScript model with the task its sidecar declares, or else the configured one. */
    static Teacher fromTorchScript(Path file, String id, TeacherConfig config, Device device) {
        TaskContract task = declaredTask(file).orElseGet(() -> TaskSetting.of(config));
        return fromTorchScript(file, id, task, config.teacherInputShape(task), device);
    }

    /** The task the sidecar file beside a TorchScript model declares, if there is one. */
    public static Optional<TaskContract> declaredTask(Path torchScript) {
        Path sidecar = sidecarOf(torchScript);
        return Files.isRegularFile(sidecar) ? Optional.of(TaskFiles.read(sidecar)) : Optional.empty();
    }

    /** {@code model.pt} → {@code model.task.json} in the same folder. */
    public static Path sidecarOf(Path torchScript) {
        return torchScript.resolveSibling(baseName(torchScript) + SIDECAR_SUFFIX);
    }

    /**
     * Refuses a teacher made for another task than the configured one, before it labels anything.
     *
     * @throws IllegalStateException naming both tasks and the first difference
     */
    public static void requireTask(Teacher teacher, TaskContract configured) {
        String mismatch = configured.mismatchWith(teacher.task());
        if (mismatch != null) {
            throw new IllegalStateException("teacher " + teacher.id() + " v" + teacher.version() + " was made for task "
                    + teacher.task().summary() + ", but the service is configured (setting '" + TaskSetting.KEY + "') for task "
                    + configured.summary() + " (" + mismatch + "): set " + TaskSetting.KEY + " to the teacher's task or load "
                    + "a teacher made for " + configured.name());
        }
    }

    private static Teacher member(Path path, TeacherConfig config, Device device) {
        if (Files.isDirectory(path)) {
            return fromStore(new TeacherStore(path), device);
        }
        return fromTorchScript(path, baseName(path), config, device);
    }

    /** {@code model.pt} → {@code model}: a TorchScript teacher's default id. */
    public static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}

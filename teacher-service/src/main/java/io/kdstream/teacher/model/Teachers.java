package io.kdstream.teacher.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.teacher.TeacherConfig;

/** Builds the teacher the configuration asks for: the trained teacher, a TorchScript file, or an ensemble of them. */
public final class Teachers {

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
            return fromTorchScript(file, id, config.teacherInputShape(), config.teacherClasses(), device);
        }
        return fromStore(new TeacherStore(config.teacherDir()), device);
    }

    /** The trained teacher in {@code store}, its weights checked against the manifest's sha256. */
    public static Teacher fromStore(TeacherStore store, Device device) {
        StoredTeacher stored = store.load();
        return new ClassifierTeacher(stored.manifest().id(), stored.manifest().version(), stored.classifier(device));
    }

    /**
     * A TorchScript model loaded by DJL's PyTorch engine; its version is the first 12 hex digits of the file's sha256.
     *
     * @param exampleShape one example's shape without the batch dimension, e.g. {@code [1, 28, 28]}
     */
    public static Teacher fromTorchScript(Path file, String id, long[] exampleShape, int classes, Device device) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("TorchScript teacher " + file + " is not a readable file");
        }
        String version;
        try {
            version = TeacherManifest.versionOf(WeightsCodec.sha256(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TorchScript teacher " + file, e);
        }
        Model model = Model.newInstance(id, device, "PyTorch");
        try {
            model.load(file);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("cannot load " + file + " as a TorchScript model: " + e.getMessage(), e);
        }
        return new ClassifierTeacher(id, version, Classifier.of(model, new Shape(exampleShape), classes));
    }

    private static Teacher member(Path path, TeacherConfig config, Device device) {
        if (Files.isDirectory(path)) {
            return fromStore(new TeacherStore(path), device);
        }
        return fromTorchScript(path, baseName(path), config.teacherInputShape(), config.teacherClasses(), device);
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}

package io.kdstream.teacher.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kdstream.core.model.WeightsCodec;

/**
 * A folder holding one trained teacher: {@value #WEIGHTS_FILE} (weights in {@link WeightsCodec#FORMAT}) and
 * {@value #MANIFEST_FILE} (a {@link TeacherManifest}). The manifest is written last, so a folder with a manifest is
 * complete; loading refuses weights whose sha256 differs from the manifest's.
 */
public final class TeacherStore {

    public static final String WEIGHTS_FILE = "teacher.params";
    public static final String MANIFEST_FILE = "teacher.json";
    /** Environment variable naming kd-stream's cache folder; {@code ~/.kd} when unset. */
    public static final String HOME_ENV = "KD_HOME";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public TeacherStore(Path dir) {
        this.dir = dir;
    }

    /** {@code $KD_HOME/teacher}, with {@code KD_HOME} defaulting to {@code ~/.kd}. */
    public static Path defaultDir() {
        return defaultDir(System.getenv(), System.getProperty("user.home"));
    }

    static Path defaultDir(Map<String, String> env, String userHome) {
        String home = env.get(HOME_ENV);
        Path base = home == null || home.isBlank() ? Path.of(userHome, ".kd") : Path.of(home);
        return base.resolve("teacher");
    }

    public Path dir() {
        return dir;
    }

    /** True when the folder holds a complete teacher (the manifest is written last). */
    public boolean exists() {
        return Files.isRegularFile(dir.resolve(MANIFEST_FILE)) && Files.isRegularFile(dir.resolve(WEIGHTS_FILE));
    }

    /** Writes weights then manifest, each through a temporary file and a rename, so readers never see half a teacher. */
    public void save(TeacherManifest manifest, byte[] weights) {
        String actual = WeightsCodec.sha256(weights);
        if (!actual.equals(manifest.sha256())) {
            throw new IllegalArgumentException("manifest sha256 " + manifest.sha256() + " does not describe these weights (sha256 " + actual + ")");
        }
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve(WEIGHTS_FILE), weights);
            writeAtomically(dir.resolve(MANIFEST_FILE), JSON.writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the teacher into " + dir, e);
        }
    }

    /** The manifest alone, for reports that do not need the weights. */
    public TeacherManifest manifest() {
        requireExists();
        try {
            return JSON.readValue(dir.resolve(MANIFEST_FILE).toFile(), TeacherManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(MANIFEST_FILE) + " as a teacher manifest", e);
        }
    }

    /**
     * The manifest and the weights, checked against each other.
     *
     * @throws IllegalStateException when the folder holds no teacher or the weights' sha256 is not the manifest's
     */
    public StoredTeacher load() {
        TeacherManifest manifest = manifest();
        byte[] weights;
        try {
            weights = Files.readAllBytes(dir.resolve(WEIGHTS_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(WEIGHTS_FILE), e);
        }
        String actual = WeightsCodec.sha256(weights);
        if (!actual.equals(manifest.sha256())) {
            throw new IllegalStateException(dir.resolve(WEIGHTS_FILE) + " has sha256 " + actual + " but " + MANIFEST_FILE
                    + " expects " + manifest.sha256() + "; the folder is damaged: train the teacher again (kd teacher train)");
        }
        return new StoredTeacher(manifest, weights);
    }

    private void requireExists() {
        if (!exists()) {
            throw new IllegalStateException("no trained teacher in " + dir + " (expected " + MANIFEST_FILE + " and "
                    + WEIGHTS_FILE + "); train one with 'kd teacher train' or point teacher.dir at one");
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}

package io.kdstream.teacher.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherStoreTest {

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripTheManifestAndWeights() {
        byte[] weights = {1, 2, 3, 4};
        TeacherManifest manifest = manifest(weights);
        TeacherStore store = new TeacherStore(dir.resolve("teacher"));
        assertThat(store.exists()).isFalse();

        store.save(manifest, weights);

        assertThat(store.exists()).isTrue();
        StoredTeacher loaded = store.load();
        assertThat(loaded.manifest()).isEqualTo(manifest);
        assertThat(loaded.weights()).containsExactly(weights);
        assertThat(dir.resolve("teacher")).isDirectoryContaining("glob:**/teacher.json").isDirectoryContaining("glob:**/teacher.params");
    }

    @Test
    void shouldCarryTheTaskAsANestedTaskFileObject() throws IOException {
        byte[] weights = {1, 2, 3, 4};
        TeacherManifest base = manifest(weights);
        TeacherManifest tabular = new TeacherManifest(base.id(), base.version(), "mlp:16-5", base.format(), base.testAccuracy(),
                base.parameters(), base.latencyMs(), base.trainedAt(), base.trainingSeconds(), base.sha256(), BuiltInTasks.TABULAR_RBF);
        TeacherStore store = new TeacherStore(dir);

        store.save(tabular, weights);

        JsonNode written = new ObjectMapper().readTree(dir.resolve(TeacherStore.MANIFEST_FILE).toFile());
        assertThat(written.get("task")).isEqualTo(TaskFiles.toJson(BuiltInTasks.TABULAR_RBF));
        assertThat(store.manifest().task()).isEqualTo(BuiltInTasks.TABULAR_RBF);
    }

    @Test
    void shouldReadAManifestWrittenBeforeTasksAsFashionMnist() throws IOException {
        TeacherStore store = savedAndEdited(json -> json.remove("task"));

        assertThat(store.manifest().task()).isEqualTo(BuiltInTasks.FASHION_MNIST);
    }

    @Test
    void shouldNameEveryMistakeOfAHandEditedTask() throws IOException {
        TeacherStore store = savedAndEdited(json -> {
            ((ObjectNode) json.get("task")).put("classes", "ten");
            ((ObjectNode) json.get("task").get("input")).put("dtype", "int64");
        });

        assertThatThrownBy(store::manifest)
                .hasMessageContaining("teacher.json")
                .hasStackTraceContaining("classes: must be an array of strings")
                .hasStackTraceContaining("input.dtype");
    }

    @Test
    void shouldRefuseWeightsWhoseSha256DiffersFromTheManifest() throws IOException {
        byte[] weights = {1, 2, 3, 4};
        TeacherStore store = new TeacherStore(dir);
        store.save(manifest(weights), weights);

        Files.write(dir.resolve(TeacherStore.WEIGHTS_FILE), new byte[]{1, 2, 3, 5});

        assertThatThrownBy(store::load)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has sha256 " + WeightsCodec.sha256(new byte[]{1, 2, 3, 5}))
                .hasMessageContaining("expects " + WeightsCodec.sha256(weights));
    }

    @Test
    void shouldSayHowToGetATeacherWhenTheFolderIsEmpty() {
        assertThatThrownBy(() -> new TeacherStore(dir).load())
                .hasMessageContaining("no trained teacher in " + dir)
                .hasMessageContaining("kd teacher train");
    }

    @Test
    void shouldPutTheDefaultFolderUnderKdHomeOrTheUsersHome() {
        assertThat(TeacherStore.defaultDir(Map.of("KD_HOME", "/srv/kd"), "/home/ann")).isEqualTo(Path.of("/srv/kd/teacher"));
        assertThat(TeacherStore.defaultDir(Map.of(), "/home/ann")).isEqualTo(Path.of("/home/ann/.kd/teacher"));
    }

    /** A store holding a Fashion-MNIST teacher whose teacher.json was then edited by hand. */
    private TeacherStore savedAndEdited(Consumer<ObjectNode> edit) throws IOException {
        byte[] weights = {1, 2, 3, 4};
        TeacherStore store = new TeacherStore(dir);
        store.save(manifest(weights), weights);
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(dir.resolve(TeacherStore.MANIFEST_FILE).toFile());
        edit.accept(json);
        Files.writeString(dir.resolve(TeacherStore.MANIFEST_FILE), json.toString());
        return store;
    }

    private static TeacherManifest manifest(byte[] weights) {
        String sha256 = WeightsCodec.sha256(weights);
        return new TeacherManifest("fashion-cnn", TeacherManifest.versionOf(sha256), "mlp:784-10", WeightsCodec.FORMAT,
                0.91, 7850, 0.5, "2026-01-01T00:00:00Z", 12.5, sha256);
    }
}

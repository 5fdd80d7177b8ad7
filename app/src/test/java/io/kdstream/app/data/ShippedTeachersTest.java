package io.kdstream.app.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;
import io.kdstream.teacher.model.StoredTeacher;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedTeachersTest {

    @TempDir
    Path dir;

    @Test
    void shouldInstallTheShippedTabularTeacherCheckedAgainstItsSha256() {
        TeacherStore store = new TeacherStore(dir.resolve("teacher"));

        TeacherManifest manifest = ShippedTeachers.install(BuiltInTasks.TABULAR_RBF, store).orElseThrow();
        StoredTeacher loaded = store.load();

        assertThat(manifest.testAccuracy()).isGreaterThanOrEqualTo(0.85);
        assertThat(WeightsCodec.sha256(loaded.weights())).isEqualTo(manifest.sha256());
        assertThat(manifest.architecture()).startsWith("mlp:16-");
    }

    @Test
    void shouldShipNothingForATaskThatOnlyBorrowsABuiltInName() {
        TaskContract impostor = new TaskContract("tabular-rbf", DType.FLOAT32, List.of(4), Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, List.of("a", "b"), List.of());

        assertThat(ShippedTeachers.has(impostor)).isFalse();
        assertThat(ShippedTeachers.install(impostor, new TeacherStore(dir))).isEmpty();
    }

    @Test
    void shouldKeepFashionInTheOldFolderAndGiveOtherTasksTheirOwn() {
        assertThat(ShippedTeachers.defaultDir(BuiltInTasks.FASHION_MNIST)).isEqualTo(TeacherStore.defaultDir());
        assertThat(ShippedTeachers.defaultDir(BuiltInTasks.TABULAR_RBF))
                .isEqualTo(TeacherStore.defaultDir().resolveSibling("teachers").resolve("tabular-rbf"));
    }
}

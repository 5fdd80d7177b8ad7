package io.kdstream.teacher.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.testing.TabularSlices;
import io.kdstream.teacher.model.StoredTeacher;
import io.kdstream.teacher.model.TeacherManifest;
import io.kdstream.teacher.model.TeacherStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherTrainingTest {

    private static final Architecture SMALL_MLP = Architecture.parse("mlp:784-32-10");

    @TempDir
    Path dir;

    @Test
    void shouldTrainASmallModelReportProgressAndSaveAVerifiableTeacher() {
        // given a small CNN and a slice of Fashion-MNIST
        TeacherTraining.Settings settings = new TeacherTraining.Settings(SMALL_MLP, 2, 32, 3e-3f, 7, "cpu");
        List<long[]> steps = new ArrayList<>();
        List<Float> losses = new ArrayList<>();
        TeacherStore store = new TeacherStore(dir);

        // when it trains for two epochs on 2,000 images
        TeacherManifest manifest = new TeacherTraining(settings).trainAndSave(FashionSlices.train(2000), FashionSlices.test(1000),
                store, (epoch, done, total, loss) -> {
                    steps.add(new long[]{epoch, done, total});
                    losses.add(loss);
                });

        // then progress covers every step of both epochs and the loss went down
        assertThat(steps).hasSize(2 * (2000 / 32));
        assertThat(steps.get(0)).containsExactly(1, 32, 2 * 62 * 32);
        assertThat(steps.get(steps.size() - 1)).containsExactly(2, 2 * 62 * 32, 2 * 62 * 32);
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        // and the manifest describes the stored weights
        StoredTeacher stored = store.load();
        assertThat(stored.manifest()).isEqualTo(manifest);
        assertThat(manifest.id()).isEqualTo("fashion-mlp");
        assertThat(manifest.sha256()).isEqualTo(WeightsCodec.sha256(stored.weights()));
        assertThat(manifest.version()).isEqualTo(manifest.sha256().substring(0, 12));
        assertThat(manifest.architecture()).isEqualTo(SMALL_MLP.spec());
        assertThat(manifest.parameters()).isEqualTo(SMALL_MLP.parameterCount());
        assertThat(manifest.latencyMs()).isPositive();
        assertThat(manifest.testAccuracy()).as("test accuracy after 2 epochs on 2,000 images").isGreaterThan(0.65);
        // and the reloaded classifier scores what the manifest says
        try (Classifier classifier = stored.classifier(Device.cpu())) {
            assertThat(TeacherTraining.accuracy(classifier, FashionSlices.test(1000))).isEqualTo(manifest.testAccuracy());
        }
    }

    @Test
    void shouldRefuseSettingsThatCannotTrain() {
        assertThatThrownBy(() -> new TeacherTraining.Settings(SMALL_MLP, 0, 32, 1e-3f, 1, "cpu"))
                .hasMessageContaining("epochs must be >= 1");
        assertThatThrownBy(() -> new TeacherTraining.Settings(SMALL_MLP, 1, 1, 1e-3f, 1, "cpu"))
                .hasMessageContaining("batch size must be >= 2");
        TeacherTraining.Settings wrongInput = new TeacherTraining.Settings(Architecture.parse("mlp:100-10"), 1, 32, 1e-3f, 1, "cpu");
        assertThatThrownBy(() -> new TeacherTraining(wrongInput).trainAndSave(FashionSlices.train(64), FashionSlices.test(64),
                new TeacherStore(dir), TrainingListener.SILENT))
                .hasMessageContaining("architecture mlp:100-10 takes 100 inputs and gives 10 classes, but task fashion-mnist has 784 inputs");
        assertThatThrownBy(() -> new TeacherTraining(TeacherTraining.Settings.ANY_TASK).trainAndSave(FashionSlices.train(64),
                TabularSlices.sample(64, 1), new TeacherStore(dir), TrainingListener.SILENT))
                .hasMessageContaining("the test data is not of the training data's task: task tabular-rbf is not task fashion-mnist");
    }

    @Test
    void shouldTrainTheReferenceTeacherOfAnyTaskAndSaveItsTask() {
        // given tabular data (16 features, 5 classes) and no architecture: the task's reference teacher
        TeacherTraining.Settings settings = new TeacherTraining.Settings(null, 3, 32, 3e-3f, 7, "cpu");
        TeacherStore store = new TeacherStore(dir);

        // when it trains
        TeacherManifest manifest = new TeacherTraining(settings).trainAndSave(TabularSlices.sample(1500, 1),
                TabularSlices.sample(500, 2), store, TrainingListener.SILENT);

        // then the manifest names the task and its reference architecture, and the teacher learned the classes
        assertThat(manifest.task()).isEqualTo(BuiltInTasks.TABULAR_RBF);
        assertThat(manifest.architecture()).isEqualTo(Architecture.teacherFor(BuiltInTasks.TABULAR_RBF).spec());
        assertThat(manifest.id()).isEqualTo("tabular-rbf-mlp");
        assertThat(manifest.testAccuracy()).as("accuracy on separable blobs").isGreaterThan(0.9);
        assertThat(store.load().manifest().task()).isEqualTo(BuiltInTasks.TABULAR_RBF);
    }
}

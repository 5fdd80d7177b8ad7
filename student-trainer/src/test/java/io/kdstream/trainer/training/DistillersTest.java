package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.distill.SoftTargets;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;

class DistillersTest {

    private static final Architecture SMALL_CNN = Architecture.parse("cnn:28x28-4-8-32-10");
    private static final Architecture SMALL_MLP = Architecture.parse("mlp:784-32-16-10");

    @Test
    void shouldDistilTheTeacherIntoACnnStudent() {
        StudentSetup setup = setup(SMALL_CNN, 2);
        List<Example> examples = examples(64, true);
        try (TeacherDistiller distiller = new TeacherDistiller(setup, null)) {
            float first = distiller.step(Batch.of(examples, 64, 784, 10));
            for (int i = 0; i < 10; i++) {
                distiller.step(Batch.of(examples, 64, 784, 10));
            }
            float later = distiller.step(Batch.of(examples, 64, 784, 10));

            Snapshot snapshot = distiller.snapshot(examples.subList(0, 16));

            assertThat(later).isLessThan(first);
            assertThat(snapshot.auxiliary()).isEmpty();
            assertThat(snapshot.scores().getExamples()).isEqualTo(16);
            try (Classifier served = Classifier.fromWeights(SMALL_CNN, snapshot.weights(), Device.cpu())) {
                assertThat(served.classes()).isEqualTo(10);
            }
        }
    }

    @Test
    void shouldPublishTheAverageOfTheStudentsWeightsAndScoreIt() {
        // given two students from the same weights trained on the same batches, one publishing its weight average
        List<Example> examples = examples(64, true);
        StudentSetup raw = setup(SMALL_MLP, 2);
        StudentSetup averaged = new StudentSetup(SMALL_MLP, Device.cpu(), 2f, 0.5f, OptimizerSettings.DEFAULT, 0.9f, 2, 10f, 0.99f);
        byte[] start;
        try (TeacherDistiller fresh = new TeacherDistiller(raw, null)) {
            start = fresh.snapshot(List.of()).weights();
        }
        try (TeacherDistiller newest = new TeacherDistiller(raw, start);
             TeacherDistiller average = new TeacherDistiller(averaged, start)) {
            for (int i = 0; i < 20; i++) {
                newest.step(Batch.of(examples, 64, 784, 10));
                average.step(Batch.of(examples, 64, 784, 10));
            }

            // when
            Snapshot published = average.snapshot(examples);

            // then the average lies behind the newest weights, and the holdout scores are the average's own
            assertThat(published.weights()).isNotEqualTo(newest.snapshot(examples).weights());
            try (Classifier served = Classifier.fromWeights(SMALL_MLP, published.weights(), Device.cpu())) {
                float[] inputs = Batch.of(examples, 64, 784, 10).inputs();
                float[] probabilities = served.probabilities(inputs, 64, 2f);
                float[] teacher = Batch.of(examples, 64, 784, 10).teacher();
                int[] labels = Batch.of(examples, 64, 784, 10).labels();
                assertThat(published.scores().getAgreement())
                        .isEqualTo(HoldoutScorer.score(probabilities, teacher, labels, 64, 10).getAgreement());
            }
        }
    }

    @Test
    void shouldCheckpointTheEmaTeacherBesideTheStudentAndResumeBoth() {
        StudentSetup setup = setup(SMALL_CNN, 2);
        List<Example> examples = examples(32, false);
        Snapshot snapshot;
        try (SelfDistiller distiller = new SelfDistiller(setup, null, null)) {
            distiller.step(Batch.of(examples, 32, 784, 10));
            snapshot = distiller.snapshot(examples);
        }

        assertThat(snapshot.auxiliary()).containsOnlyKeys(SelfDistiller.EMA_SUFFIX);
        assertThat(snapshot.auxiliary().get(SelfDistiller.EMA_SUFFIX)).isNotEqualTo(snapshot.weights());
        try (SelfDistiller resumed = new SelfDistiller(setup, snapshot.weights(), snapshot.auxiliary().get(SelfDistiller.EMA_SUFFIX))) {
            Snapshot again = resumed.snapshot(examples);
            assertThat(again.weights()).isEqualTo(snapshot.weights());
            assertThat(again.auxiliary().get(SelfDistiller.EMA_SUFFIX)).isEqualTo(snapshot.auxiliary().get(SelfDistiller.EMA_SUFFIX));
            assertThat(again.scores()).isEqualTo(snapshot.scores());
        }
    }

    @Test
    void shouldServeOneOfTheMutualPeersAndKeepThemAll() {
        StudentSetup setup = setup(SMALL_MLP, 3);
        List<Example> examples = examples(64, false);
        try (MutualDistiller distiller = new MutualDistiller(setup, Map.of())) {
            for (int i = 0; i < 5; i++) {
                distiller.step(Batch.of(examples, 64, 784, 10));
            }

            Snapshot snapshot = distiller.snapshot(examples.subList(0, 32));

            assertThat(snapshot.auxiliary()).containsOnlyKeys("-peer0", "-peer1", "-peer2");
            assertThat(snapshot.auxiliary().values()).anySatisfy(peer -> assertThat(peer).isEqualTo(snapshot.weights()));
            assertThat(snapshot.scores().getAccuracy()).isNotNull();
        }
    }

    private static StudentSetup setup(Architecture architecture, int peers) {
        return new StudentSetup(architecture, Device.cpu(), 2f, 0.5f, OptimizerSettings.DEFAULT, 0.9f, peers);
    }

    /** Images with their true labels and, when asked, a confident teacher at T = 2. */
    private static List<Example> examples(int count, boolean withTeacher) {
        LabeledImages images = FashionSlices.train(count);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] input = new float[784];
            images.writeUnitFloats(i, input, 0);
            float[] teacher = null;
            if (withTeacher) {
                float[] confident = new float[10];
                Arrays.fill(confident, 0.05f);
                confident[images.labels()[i]] = 0.55f;
                teacher = SoftTargets.retemper(confident, 4f, 2f);
            }
            examples.add(new Example("d" + i, input, teacher, images.labels()[i], i, i));
        }
        return examples;
    }
}

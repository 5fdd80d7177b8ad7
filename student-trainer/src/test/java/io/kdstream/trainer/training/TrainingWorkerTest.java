package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kdstream.schemas.HoldoutScores;
import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;

class TrainingWorkerTest {

    @Test
    void shouldSnapshotOnlyAfterEveryBatchHandedOverIsTrained() {
        // given a distiller that notes what it is asked to do
        List<String> calls = new CopyOnWriteArrayList<>();
        try (TrainingWorker worker = new TrainingWorker("test-steps", 2, (n, loss, nanos) -> calls.add("observed " + n))) {
            worker.reset(() -> new NotingDistiller(calls, false));

            // when
            for (int i = 0; i < 5; i++) {
                worker.train(batch(i + 1));
            }
            worker.snapshot(List.of());

            // then
            assertThat(calls).containsExactly("step 1", "observed 1", "step 2", "observed 2", "step 3", "observed 3",
                    "step 4", "observed 4", "step 5", "observed 5", "snapshot");
        }
    }

    @Test
    void shouldReportAFailedStepToTheNextCaller() {
        try (TrainingWorker worker = new TrainingWorker("test-steps", 2, (n, loss, nanos) -> { })) {
            worker.reset(() -> new NotingDistiller(new CopyOnWriteArrayList<>(), true));

            worker.train(batch(1));

            assertThatThrownBy(() -> worker.snapshot(List.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("an optimizer step failed: loss is NaN");
        }
    }

    private static Batch batch(int newExamples) {
        return new Batch(new float[0], null, new int[0], newExamples, newExamples);
    }

    private record NotingDistiller(List<String> calls, boolean failing) implements Distiller {

        @Override
        public float step(Batch batch) {
            if (failing) {
                throw new ArithmeticException("loss is NaN");
            }
            calls.add("step " + batch.newExamples());
            return 1f;
        }

        @Override
        public Snapshot snapshot(List<Example> holdout) {
            calls.add("snapshot");
            return new Snapshot(new byte[0], java.util.Map.of(), new HoldoutScores(0, 0f, 0f, null));
        }

        @Override
        public void close() {
        }
    }
}

package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import io.kdstream.schemas.HoldoutScores;
import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;

class TrainingWorkerTest {

    @Test
    void shouldSnapshotOnlyAfterEveryBatchHandedOverIsTrained() {
        // given a distiller that notes what it is asked to do
        List<String> calls = new CopyOnWriteArrayList<>();
        try (TrainingWorker worker = new TrainingWorker("test-steps", 2, (n, loss, nanos) -> calls.add("observed " + n))) {
            worker.reset(() -> new NotingDistiller(calls, false, new CountDownLatch(0)));

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
    void shouldDropTheBatchesStillWaitingWhenReset() throws InterruptedException {
        // given a first step that holds the training thread until three more batches wait behind it
        List<String> calls = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (TrainingWorker worker = new TrainingWorker("test-steps", 8, (n, loss, nanos) -> calls.add("observed " + n))) {
            worker.reset(() -> new NotingDistiller(calls, false, release));
            for (int i = 0; i < 4; i++) {
                worker.train(batch(i + 1));
            }

            // when the loop rewinds while they wait (the first step finishes shortly after), then trains on the records read again
            Thread finishFirstStep = new Thread(() -> {
                LockSupport.parkNanos(50_000_000L);
                release.countDown();
            });
            finishFirstStep.start();
            worker.reset(() -> new NotingDistiller(calls, false, new CountDownLatch(0)));
            finishFirstStep.join();
            worker.train(batch(9));
            worker.snapshot(List.of());

            // then only the batch already running and the one after the reset were trained and counted
            assertThat(calls).containsExactly("step 1", "observed 1", "step 9", "observed 9", "snapshot");
        }
    }

    @Test
    void shouldReportAFailedStepToTheNextCaller() {
        try (TrainingWorker worker = new TrainingWorker("test-steps", 2, (n, loss, nanos) -> { })) {
            worker.reset(() -> new NotingDistiller(new CopyOnWriteArrayList<>(), true, new CountDownLatch(0)));

            worker.train(batch(1));

            assertThatThrownBy(() -> worker.snapshot(List.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("an optimizer step failed: loss is NaN");
        }
    }

    private static Batch batch(int newExamples) {
        return new Batch(new float[0], null, new int[0], newExamples, newExamples);
    }

    /** Notes each call; a step waits for {@code proceed} first. */
    private record NotingDistiller(List<String> calls, boolean failing, CountDownLatch proceed) implements Distiller {

        @Override
        public float step(Batch batch) {
            if (failing) {
                throw new ArithmeticException("loss is NaN");
            }
            try {
                proceed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            calls.add("step " + batch.newExamples());
            return 1f;
        }

        @Override
        public boolean healthy() {
            return true;
        }

        @Override
        public Snapshot snapshot(List<Example> holdout) {
            calls.add("snapshot");
            return new Snapshot(new byte[0], Map.of(), new HoldoutScores(0, 0f, 0f, null, null));
        }

        @Override
        public void close() {
        }
    }
}

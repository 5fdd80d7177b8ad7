package io.kdstream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.kdstream.app.data.TaskData;
import io.kdstream.core.data.BadRowPolicy;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.data.RandomRbf;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {

    @TempDir
    Path dir;

    @Test
    void shouldReplayACsvFileOnceSkippingAndCountingBadRows() throws IOException, InterruptedException {
        Path file = Files.write(dir.resolve("traffic.csv"), List.of(header() + ",y", row(1) + ",alpha", row(2) + ",zebra",
                row(3) + ",4", "1,2,3"));
        ReplaySource source = TaskData.of("tabular-rbf", "y").replay(file, BadRowPolicy.SKIP, 1);
        RecordingSink sink = new RecordingSink();

        try (Replay replay = new Replay(sink, source, 0, 0, Drift.NONE)) {
            replay.start();
            replay.awaitDone();

            assertThat(replay.sent()).isEqualTo(2);
            assertThat(replay.failure()).isNull();
        }
        assertThat(source.skipped()).isEqualTo(2);
        assertThat(source.skippedProblems()).hasSize(2)
                .anySatisfy(problem -> assertThat(problem).contains("line 3").contains("zebra"))
                .anySatisfy(problem -> assertThat(problem).contains("line 5"));
        assertThat(sink.examples).extracting(LabeledExample::label).containsExactly(0, 4);
        assertThat(sink.examples.get(1).input()[15]).isEqualTo(3f);
        assertThat(sink.tasks).containsOnly(BuiltInTasks.TABULAR_RBF);
    }

    @Test
    void shouldStopAtTheFirstBadRowUnderTheStopPolicyAndSayWhere() throws IOException, InterruptedException {
        Path file = Files.write(dir.resolve("traffic.jsonl"), List.of("{\"input\": [" + row(1) + "]}", "{\"input\": [1, 2]}"));
        RecordingSink sink = new RecordingSink();

        try (Replay replay = new Replay(sink, TaskData.of("tabular-rbf", null).replay(file, BadRowPolicy.STOP, 1), 0, 0, Drift.NONE)) {
            replay.start();
            replay.awaitDone();

            assertThat(replay.sent()).isEqualTo(1);
            assertThat(replay.failure()).hasMessageContaining("line 2, column 11");
        }
        assertThat(sink.examples.get(0).hasLabel()).isFalse();
    }

    @Test
    void shouldShiftGeneratedTrafficToTheSecondGroupWhenCovariateDriftStarts() throws InterruptedException {
        RecordingSink before = new RecordingSink();
        RecordingSink after = new RecordingSink();
        RandomRbf generator = RandomRbf.tabular();

        run(before, ReplaySource.generated(generator, 5), Drift.NONE);
        run(after, ReplaySource.generated(generator, 5), Drift.parse("covariate@0s"));

        assertThat(after.examples).isNotEmpty();
        assertThat(after.examples.get(0).input()).isNotEqualTo(before.examples.get(0).input());
        for (LabeledExample example : after.examples) {
            assertThat(example.label()).isEqualTo(generator.label(example.input()));
        }
    }

    @Test
    void shouldInvertBoundedInputsAndKeepOnlyTheFirstClassesUnderClassmix() throws InterruptedException {
        byte[] pixels = new byte[2 * 784];
        pixels[0] = 0;
        pixels[784] = (byte) 255;
        LabeledImages images = new LabeledImages(pixels, new int[] {1, 7}, 28, 28);
        RecordingSink inverted = new RecordingSink();
        RecordingSink mixed = new RecordingSink();

        run(inverted, ReplaySource.cycling(images), Drift.parse("invert@0s"));
        run(mixed, ReplaySource.cycling(images), Drift.parse("classmix@0s"));

        assertThat(inverted.examples.get(0).input()[0]).isEqualTo(1f);
        assertThat(inverted.examples.get(1).input()[0]).isEqualTo(0f);
        assertThat(mixed.examples).extracting(LabeledExample::label).containsOnly(1);
    }

    @Test
    void shouldRefuseDriftsThatDoNotFitTheSource() {
        ReplaySource tabular = ReplaySource.generated(RandomRbf.tabular(), 1);
        ReplaySource images = ReplaySource.cycling(new LabeledImages(new byte[784], new int[] {0}, 28, 28));

        assertThatThrownBy(() -> new Replay(new RecordingSink(), tabular, 0, 1, Drift.parse("invert@1s")))
                .hasMessageContaining("--drift invert needs a bounded value range, but task tabular-rbf is unbounded");
        assertThatThrownBy(() -> new Replay(new RecordingSink(), images, 0, 1, Drift.parse("covariate@1s")))
                .hasMessageContaining("--drift covariate needs generated traffic");
        assertThatThrownBy(() -> Drift.parse("sideways@1s")).hasMessageContaining("expected one of none, invert, classmix, covariate");
    }

    @Test
    void shouldAskForAFileWhenTheTaskHasNoBuiltInData() throws IOException {
        Path taskFile = Files.writeString(dir.resolve("task.json"), "{\"name\": \"fraud\", \"input\": {\"dtype\": \"float32\", "
                + "\"shape\": [3]}, \"classes\": [\"ok\", \"fraud\"]}");
        TaskData data = TaskData.of(taskFile.toString(), null);

        assertThatThrownBy(() -> data.replay(null, BadRowPolicy.SKIP, 1)).hasMessageContaining("task fraud has no built-in data")
                .hasMessageContaining("give --file FILE");
        assertThatThrownBy(() -> data.training(null)).hasMessageContaining("give --data FILE");
    }

    private static void run(RecordingSink sink, ReplaySource source, Drift drift) throws InterruptedException {
        try (Replay replay = new Replay(sink, source, 0, 20, drift)) {
            replay.start();
            replay.awaitDone();
        }
    }

    private static String header() {
        return String.join(",", BuiltInTasks.TABULAR_RBF.featureNames());
    }

    private static String row(int last) {
        return "0,".repeat(15) + last;
    }

    /** Keeps what it is sent. */
    private static final class RecordingSink implements TrafficSink {
        final List<LabeledExample> examples = new ArrayList<>();
        final List<TaskContract> tasks = new ArrayList<>();

        @Override
        public void send(String requestId, TaskContract task, LabeledExample example) {
            examples.add(example);
            tasks.add(task);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

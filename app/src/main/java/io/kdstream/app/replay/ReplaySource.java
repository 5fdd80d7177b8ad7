package io.kdstream.app.replay;

import java.util.List;

import io.kdstream.core.data.ExampleReader;
import io.kdstream.core.data.LabeledData;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.data.RandomRbf;
import io.kdstream.core.task.TaskContract;

/**
 * Where replayed examples come from: a data set in memory (cycled), a file streamed once, or the random-RBF generator
 * (endless, and the one source that can shift its own covariates).
 */
public interface ReplaySource extends AutoCloseable {

    /** The task every example fits. */
    TaskContract task();

    /**
     * The next example, or {@code null} when the source is exhausted.
     *
     * @param shifted whether covariate drift is active (only sources that {@link #canShift()} look at it)
     */
    LabeledExample next(boolean shifted);

    /** Whether {@link #next} honours {@code shifted}, so a covariate drift may be asked of it. */
    default boolean canShift() {
        return false;
    }

    /** Rows skipped as bad so far (files under the skip policy); 0 for sources without rows. */
    default long skipped() {
        return 0;
    }

    /** What was wrong with the first skipped rows, each naming its line and column; empty for sources without rows. */
    default List<String> skippedProblems() {
        return List.of();
    }

    @Override
    default void close() {
    }

    /** The examples of {@code data}, round and round. */
    static ReplaySource cycling(LabeledData data) {
        return new ReplaySource() {
            private long index;

            @Override
            public TaskContract task() {
                return data.task();
            }

            @Override
            public LabeledExample next(boolean shifted) {
                int item = (int) (index++ % data.count());
                return new LabeledExample(data.input(item), data.label(item));
            }
        };
    }

    /** The examples of a file, once, in constant memory. */
    static ReplaySource file(ExampleReader reader, TaskContract task) {
        return new ReplaySource() {
            @Override
            public TaskContract task() {
                return task;
            }

            @Override
            public LabeledExample next(boolean shifted) {
                return reader.next();
            }

            @Override
            public long skipped() {
                return reader.skipped();
            }

            @Override
            public List<String> skippedProblems() {
                return reader.problems();
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    /** An endless random-RBF stream following {@code seed}, drawn from the shifted mix while drift is active. */
    static ReplaySource generated(RandomRbf generator, long seed) {
        RandomRbf.Stream stream = generator.stream(seed);
        return new ReplaySource() {
            @Override
            public TaskContract task() {
                return generator.task();
            }

            @Override
            public LabeledExample next(boolean shifted) {
                float[] input = new float[generator.task().inputSize()];
                int label = stream.next(input, shifted);
                return new LabeledExample(input, label);
            }

            @Override
            public boolean canShift() {
                return true;
            }
        };
    }
}

package io.kdstream.core.data;

import java.util.List;

/**
 * Examples streamed from a file one at a time, so a file of any size replays in constant memory. Rows that do not
 * fit the task follow the reader's {@link BadRowPolicy}.
 */
public interface ExampleReader extends AutoCloseable {

    /**
     * The next usable example, or {@code null} at the end of the file.
     *
     * @throws BadRowException       at a bad row under {@link BadRowPolicy#STOP}
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    LabeledExample next();

    /** The 1-based line of the example {@link #next()} returned last, for messages about it. */
    long line();

    /** Bad rows skipped so far under {@link BadRowPolicy#SKIP}. */
    long skipped();

    /** The first few problems of the skipped rows ({@value ExampleFiles#PROBLEMS_KEPT} at most), for a report. */
    List<String> problems();

    @Override
    void close();
}

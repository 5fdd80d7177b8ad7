package io.kdstream.core.data;

/**
 * What a file reader does with a row it cannot use (a ragged row, a cell that is not a number, a label that is not a
 * class): stop with a {@link BadRowException} naming line and column, or skip the row, count it and go on.
 */
public enum BadRowPolicy {
    /** Throw a {@link BadRowException} at the first bad row: for training data, where a silent gap would mislead. */
    STOP,
    /** Skip bad rows and count them ({@link ExampleReader#skipped()}): for replaying traffic that must keep flowing. */
    SKIP
}

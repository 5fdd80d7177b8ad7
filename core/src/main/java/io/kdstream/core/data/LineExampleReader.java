package io.kdstream.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import io.kdstream.core.task.TaskContract;

/**
 * What the line-based readers share: the file read one line at a time (gzipped when its name ends in {@code .gz}),
 * line numbers, the bad-row policy, and the checks of a value and a label against the task.
 */
abstract class LineExampleReader implements ExampleReader {

    protected final TaskContract task;
    protected final String fileName;
    private final BufferedReader lines;
    private final BadRowPolicy policy;
    private final List<String> problems = new ArrayList<>();
    private long lineNumber;
    private long skipped;

    LineExampleReader(Path file, TaskContract task, BadRowPolicy policy) {
        this.task = task;
        this.fileName = file.toString();
        this.policy = policy;
        try {
            InputStream in = Files.newInputStream(file);
            if (fileName.endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** The next line, or null at the end, counting line numbers. */
    protected final String readLine() {
        try {
            String line = lines.readLine();
            if (line != null) {
                lineNumber++;
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + fileName + " after line " + lineNumber, e);
        }
    }

    @Override
    public final long line() {
        return lineNumber;
    }

    /** One non-blank data line as an example; throws {@link BadRowException} when it does not fit. */
    protected abstract LabeledExample parse(String line);

    @Override
    public final LabeledExample next() {
        String line;
        while ((line = readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            try {
                return parse(line);
            } catch (BadRowException e) {
                if (policy == BadRowPolicy.STOP) {
                    throw e;
                }
                skipped++;
                if (problems.size() < ExampleFiles.PROBLEMS_KEPT) {
                    problems.add(e.getMessage());
                }
            }
        }
        return null;
    }

    @Override
    public final long skipped() {
        return skipped;
    }

    @Override
    public final List<String> problems() {
        return List.copyOf(problems);
    }

    protected final BadRowException bad(int column, String problem) {
        return new BadRowException(fileName, lineNumber, column, problem);
    }

    /** A value on the model's scale: finite, and inside the task's range when it has one. */
    protected final float checkedValue(double value, int column, String what) {
        float asFloat = (float) value;
        if (!Float.isFinite(asFloat)) {
            throw bad(column, what + " is " + value + ", not a finite number");
        }
        if (!task.inRange(asFloat)) {
            throw bad(column, what + " is " + value + ", outside task " + task.name() + "'s range [" + task.low() + ", " + task.high() + "]");
        }
        return asFloat;
    }

    /** A label cell: a class name of the task, or a class index. */
    protected final int classOf(String text, int column) {
        String trimmed = text.trim();
        int byName = task.classNames().indexOf(trimmed);
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(trimmed);
            if (index >= 0 && index < task.classCount()) {
                return index;
            }
        } catch (NumberFormatException e) {
            // not an index either: reported below
        }
        throw bad(column, "label '" + trimmed + "' is neither a class of task " + task.name() + " " + task.classNames()
                + " nor a class index 0.." + (task.classCount() - 1));
    }

    @Override
    public final void close() {
        try {
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + fileName, e);
        }
    }
}

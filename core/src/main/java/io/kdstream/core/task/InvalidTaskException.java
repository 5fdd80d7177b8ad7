package io.kdstream.core.task;

import java.util.List;

/** A task contract that breaks its rules; lists every problem at once, each naming the key to fix. */
public final class InvalidTaskException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidTaskException(String source, List<String> problems) {
        super("task " + (source == null || source.isBlank() ? "(unnamed)" : source) + " has " + problems.size()
                + " problem(s):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code key: what is wrong and what is expected}. */
    public List<String> problems() {
        return problems;
    }
}

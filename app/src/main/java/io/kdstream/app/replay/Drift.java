package io.kdstream.app.replay;

import java.time.Duration;
import java.util.Locale;

import io.kdstream.app.cli.Durations;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.task.TaskContract;

/**
 * A change injected into replayed traffic after {@code after} has passed, written {@code <kind>@<time>}
 * (for example {@code invert@60s}, {@code classmix@2m} or {@code covariate@60s}).
 *
 * <ul>
 *   <li>{@code invert}: every input value v becomes low + high − v (for images, 255 − p): the inputs move far from what
 *       the models know. Bounded tasks only.</li>
 *   <li>{@code classmix}: only examples of the classes 0–2 are sent (Fashion-MNIST: T-shirt, trouser, pullover): the
 *       class mix shifts.</li>
 *   <li>{@code covariate}: the source draws from another region of the input space while the labelling stays fixed
 *       (the random-RBF generator moves {@value io.kdstream.core.data.RandomRbf#SHIFTED_SHARE} of its traffic to its
 *       second group of centres). Generated sources only.</li>
 *   <li>{@code none}: no drift.</li>
 * </ul>
 */
public record Drift(Kind kind, Duration after) {

    public enum Kind { NONE, INVERT, CLASSMIX, COVARIATE }

    public static final Drift NONE = new Drift(Kind.NONE, Duration.ZERO);

    private static final int CLASSMIX_LAST_CLASS = 2;

    /** @throws IllegalArgumentException naming the expected form */
    public static Drift parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("@");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--drift '" + text + "' must look like <kind>@<time>, e.g. invert@60s, classmix@2m or covariate@60s");
        }
        Kind kind = switch (parts[0]) {
            case "invert" -> Kind.INVERT;
            case "classmix" -> Kind.CLASSMIX;
            case "covariate" -> Kind.COVARIATE;
            case "none" -> Kind.NONE;
            default -> throw new IllegalArgumentException("--drift kind '" + parts[0] + "' is unknown; expected invert, classmix or covariate");
        };
        return new Drift(kind, Durations.parse(parts[1]));
    }

    /**
     * Checks that this drift can be applied to {@code source}'s traffic.
     *
     * @throws IllegalArgumentException naming the drift, the task and what would fit
     */
    public void requireFits(ReplaySource source) {
        TaskContract task = source.task();
        if (kind == Kind.INVERT && !task.bounded()) {
            throw new IllegalArgumentException("--drift invert needs a bounded value range, but task " + task.name()
                    + " is unbounded; use covariate (generated tabular traffic) or classmix");
        }
        if (kind == Kind.CLASSMIX && task.classCount() <= CLASSMIX_LAST_CLASS + 1) {
            throw new IllegalArgumentException("--drift classmix keeps classes 0-" + CLASSMIX_LAST_CLASS + ", which is every class of task "
                    + task.name() + " (" + task.classCount() + " classes)");
        }
        if (kind == Kind.COVARIATE && !source.canShift()) {
            throw new IllegalArgumentException("--drift covariate needs generated traffic (--task tabular-rbf without --file); task "
                    + task.name() + " is replayed from data that cannot move; use invert or classmix");
        }
    }

    /** Whether the drift applies to traffic sent {@code elapsed} after the replay started. */
    public boolean activeAt(Duration elapsed) {
        return kind != Kind.NONE && elapsed.compareTo(after) >= 0;
    }

    /** Whether the source should draw shifted covariates while the drift is active. */
    public boolean shiftsCovariates() {
        return kind == Kind.COVARIATE;
    }

    /** Whether an example of class {@code label} is sent while the drift is active (unlabelled ones always are). */
    public boolean admits(int label) {
        return kind != Kind.CLASSMIX || label == LabeledExample.NO_LABEL || label <= CLASSMIX_LAST_CLASS;
    }

    /** The example as sent while the drift is active. */
    public LabeledExample transform(LabeledExample example, TaskContract task) {
        if (kind != Kind.INVERT) {
            return example;
        }
        float[] inverted = new float[example.input().length];
        for (int i = 0; i < inverted.length; i++) {
            inverted[i] = task.low() + task.high() - example.input()[i];
        }
        return new LabeledExample(inverted, example.label());
    }
}

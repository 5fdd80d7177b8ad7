package io.kdstream.app.replay;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.kdstream.app.cli.Durations;
import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.task.TaskContract;

/**
 * A change injected into replayed traffic after {@code after} has passed, written {@code <kind>@<time>}
 * (for example {@code invert@60s}, {@code blur@2m} or {@code rescale@60s}). Labels never change: each kind moves the
 * inputs or the class mix the way a real deployment sees it move, so that drift detection and the student's recovery
 * can be measured against a known moment.
 *
 * <p>Any task:
 * <ul>
 *   <li>{@code invert}: every input value v becomes low + high − v (for images, 255 − p): the inputs move far from what
 *       the models know. Bounded tasks only.</li>
 *   <li>{@code classmix}: only examples of the classes 0–2 are sent (Fashion-MNIST: T-shirt, trouser, pullover): the
 *       class mix shifts, the inputs of each class do not.</li>
 * </ul>
 * Images ({@code [c, h, w]}, bounded), in the manner of MNIST-C, one moderate severity each ({@link ImageCorruptions}):
 * <ul>
 *   <li>{@code noise}: Gaussian noise of σ = 0.3 of the value range, clamped: grainy, brighter background.</li>
 *   <li>{@code brightness}: 0.3 of the range added to every value, clamped: a washed-out, grey background.</li>
 *   <li>{@code contrast}: every value pulled to 0.4 of its distance from the image mean: a flat, grey image.</li>
 *   <li>{@code blur}: Gaussian blur of σ = 1 pixel: soft edges, same brightness.</li>
 *   <li>{@code rotation}: rotated 30° anticlockwise about the centre, corners filled with the background.</li>
 * </ul>
 * Vectors:
 * <ul>
 *   <li>{@code covariate}: the source draws from another region of the input space while the labelling stays fixed
 *       (the random-RBF generator moves {@value io.kdstream.core.data.RandomRbf#SHIFTED_SHARE} of its traffic to its
 *       second group of centres). Generated sources only.</li>
 *   <li>{@code rescale}: the first feature is multiplied by {@value #RESCALE_FACTOR}, as when an upstream system
 *       changes its unit: one column moves, the others and the labels stay.</li>
 * </ul>
 * And {@code none}: no drift.
 */
public record Drift(Kind kind, Duration after) {

    /** The kinds of drift, by the name {@code --drift} takes. */
    public enum Kind {
        NONE, INVERT, CLASSMIX, COVARIATE, RESCALE, NOISE, BRIGHTNESS, CONTRAST, BLUR, ROTATION;

        /** The name on the command line. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean imageOnly() {
            return this == NOISE || this == BRIGHTNESS || this == CONTRAST || this == BLUR || this == ROTATION;
        }
    }

    public static final Drift NONE = new Drift(Kind.NONE, Duration.ZERO);

    /** What {@code rescale} multiplies the first feature by. */
    public static final float RESCALE_FACTOR = 10f;

    private static final int CLASSMIX_LAST_CLASS = 2;

    /** @throws IllegalArgumentException naming the expected form and the kinds */
    public static Drift parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("@");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--drift '" + text + "' must look like <kind>@<time>, e.g. invert@60s, blur@2m or covariate@60s");
        }
        Kind kind = Arrays.stream(Kind.values()).filter(k -> k.label().equals(parts[0])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--drift kind '" + parts[0] + "' is unknown; expected one of "
                        + Arrays.stream(Kind.values()).map(Kind::label).collect(Collectors.joining(", "))));
        return new Drift(kind, Durations.parse(parts[1]));
    }

    /**
     * Checks that this drift can be applied to {@code source}'s traffic.
     *
     * @throws IllegalArgumentException naming the drift, the task and what would fit
     */
    public void requireFits(ReplaySource source) {
        TaskContract task = source.task();
        if ((kind == Kind.INVERT || kind.imageOnly()) && !task.bounded()) {
            throw new IllegalArgumentException("--drift " + kind.label() + " needs a bounded value range, but task " + task.name()
                    + " is unbounded; use covariate (generated tabular traffic), rescale or classmix");
        }
        if (kind.imageOnly() && !task.isImage()) {
            throw new IllegalArgumentException("--drift " + kind.label() + " corrupts images, but task " + task.name() + " takes "
                    + task.inputDescription() + " vectors; use rescale, covariate (generated traffic), invert or classmix");
        }
        if (kind == Kind.RESCALE && task.isImage()) {
            throw new IllegalArgumentException("--drift rescale rescales one feature of a vector, but task " + task.name()
                    + " takes images; use brightness or contrast");
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

    /**
     * The example as sent while the drift is active.
     *
     * @param sequence the example's number in the replay, which seeds the random parts (noise) so a replay repeats
     */
    public LabeledExample transform(LabeledExample example, TaskContract task, long sequence) {
        float[] input = example.input();
        float[] changed = switch (kind) {
            case INVERT -> inverted(input, task);
            case RESCALE -> rescaled(input);
            case NOISE -> ImageCorruptions.noise(input, task, sequence);
            case BRIGHTNESS -> ImageCorruptions.brightness(input, task);
            case CONTRAST -> ImageCorruptions.contrast(input, task);
            case BLUR -> ImageCorruptions.blur(input, task);
            case ROTATION -> ImageCorruptions.rotation(input, task);
            case NONE, CLASSMIX, COVARIATE -> input;
        };
        return changed == input ? example : new LabeledExample(changed, example.label());
    }

    private static float[] inverted(float[] input, TaskContract task) {
        float[] inverted = new float[input.length];
        for (int i = 0; i < inverted.length; i++) {
            inverted[i] = task.low() + task.high() - input[i];
        }
        return inverted;
    }

    private static float[] rescaled(float[] input) {
        float[] rescaled = input.clone();
        rescaled[0] *= RESCALE_FACTOR;
        return rescaled;
    }
}

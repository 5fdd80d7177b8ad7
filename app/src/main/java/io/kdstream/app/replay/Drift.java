package io.kdstream.app.replay;

import java.time.Duration;
import java.util.Locale;

import io.kdstream.app.cli.Durations;

/**
 * A change injected into replayed traffic after {@code after} has passed, written {@code <kind>@<time>}
 * (for example {@code invert@60s} or {@code classmix@2m}).
 *
 * <ul>
 *   <li>{@code invert}: every image's pixels are inverted (255 − p): the inputs move far from what the models know.</li>
 *   <li>{@code classmix}: only the classes 0–2 (T-shirt, trouser, pullover) are sent: the class mix shifts.</li>
 *   <li>{@code none}: no drift.</li>
 * </ul>
 */
public record Drift(Kind kind, Duration after) {

    public enum Kind { NONE, INVERT, CLASSMIX }

    public static final Drift NONE = new Drift(Kind.NONE, Duration.ZERO);

    /** @throws IllegalArgumentException naming the expected form */
    public static Drift parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("@");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--drift '" + text + "' must look like <kind>@<time>, e.g. invert@60s or classmix@2m");
        }
        Kind kind = switch (parts[0]) {
            case "invert" -> Kind.INVERT;
            case "classmix" -> Kind.CLASSMIX;
            case "none" -> Kind.NONE;
            default -> throw new IllegalArgumentException("--drift kind '" + parts[0] + "' is unknown; expected invert or classmix");
        };
        return new Drift(kind, Durations.parse(parts[1]));
    }

    /** Whether the drift applies to traffic sent {@code elapsed} after the replay started. */
    public boolean activeAt(Duration elapsed) {
        return kind != Kind.NONE && elapsed.compareTo(after) >= 0;
    }

    /** Whether an image of class {@code label} is sent while the drift is active. */
    public boolean admits(int label) {
        return kind != Kind.CLASSMIX || label <= 2;
    }

    /** The image as sent while the drift is active. */
    public byte[] transform(byte[] pixels) {
        if (kind != Kind.INVERT) {
            return pixels;
        }
        byte[] inverted = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            inverted[i] = (byte) (255 - (pixels[i] & 0xFF));
        }
        return inverted;
    }
}

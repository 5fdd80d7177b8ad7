package io.kdstream.trainer;

import java.util.Arrays;
import java.util.Locale;

import io.kdstream.core.kafka.Topics;

/** Where the student's targets come from, and therefore which topic the trainer reads. */
public enum Mode {

    /** The teacher's soft labels from the soft-label topic. */
    TEACHER,
    /** An exponential moving average of the student itself, over raw traffic: no teacher service needed. */
    SELF,
    /** Peer students over raw traffic, each distilling from the mean of the others. */
    MUTUAL;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String[] configNames() {
        return Arrays.stream(values()).map(Mode::configName).toArray(String[]::new);
    }

    public static Mode of(String configName) {
        return valueOf(configName.trim().toUpperCase(Locale.ROOT));
    }

    /** The topic of training examples: soft labels for {@link #TEACHER}, traffic events otherwise. */
    public String inputTopic(Topics topics) {
        return this == TEACHER ? topics.softLabels() : topics.traffic();
    }
}

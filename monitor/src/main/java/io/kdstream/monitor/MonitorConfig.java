package io.kdstream.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kdstream.core.config.ServiceConfig;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.drift.InputFeatures;
import io.kdstream.core.task.TaskContract;
import io.kdstream.monitor.drift.DriftWindows;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The monitor's settings: the shared ones of {@link ServiceConfig}, the task (whose class names and count the
 * monitor scores and whose input shape soft labels must fit), and the join, drift and quality windows.
 * docs/monitor.md holds the table generated from {@link #DEFINITION}.
 *
 * <p>All windows are in stream time (record timestamps), not wall-clock time: a replay of old traffic gives the
 * same figures as the live run did.
 */
public final class MonitorConfig extends ServiceConfig {

    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String CLASS_COUNT = "class.count";
    public static final String JOIN_WINDOW_MS = "join.window.ms";
    public static final String JOIN_GRACE_MS = "join.grace.ms";
    public static final String GROUND_TRUTH_WINDOW_MS = "ground.truth.window.ms";
    public static final String QUALITY_WINDOW_MS = "quality.window.ms";
    public static final String DRIFT_WINDOW_MS = "drift.window.ms";
    public static final String DRIFT_REFERENCE_MS = "drift.reference.ms";
    public static final String DRIFT_MIN_SAMPLES = "drift.min.samples";
    public static final String DRIFT_INPUT_BINS = "drift.input.bins";
    public static final String DRIFT_INPUT_FEATURES_MAX = "drift.input.features.max";
    public static final String DRIFT_INPUT_TOP_FEATURES = "drift.input.top.features";
    public static final String METRICS_VERSIONS_KEPT = "metrics.versions.kept";

    public static final int DEFAULT_METRICS_PORT = 9404;

    /** Rolling windows advance in steps of a tenth of their length. */
    public static final int STEPS_PER_WINDOW = 10;

    public static final ConfigDef DEFINITION = TaskSetting.define(commonDefinitions(DEFAULT_METRICS_PORT))
            .define(APPLICATION_ID, Type.STRING, "kd-monitor", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id: the consumer group, and the prefix of the monitor's internal topics "
                            + "and state folders. Two monitors with the same id share the work; a new id starts from "
                            + "the earliest records with a fresh drift reference.")
            .define(STATE_DIR, Type.STRING, "", Importance.MEDIUM,
                    "Folder for the local state stores; empty means Kafka Streams' default (kafka-streams under "
                            + "java.io.tmpdir). Give each monitor instance on one host its own folder.")
            .define(CLASS_COUNT, Type.INT, null, unsetOrAtLeastTwo(), Importance.LOW,
                    "Deprecated: the task's class names give the class count. When set it must equal the task's class count.")
            .define(JOIN_WINDOW_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.MEDIUM,
                    "A prediction and a soft label with the same request id are joined when their record timestamps "
                            + "are at most this far apart (the teacher's labelling delay must fit in it).")
            .define(JOIN_GRACE_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.MEDIUM,
                    "How long after the join window closes out-of-order records are still joined. A prediction is "
                            + "counted as unmatched (no_label) only once window and grace have passed.")
            .define(GROUND_TRUTH_WINDOW_MS, Type.LONG, 300_000L, Range.atLeast(1), Importance.LOW,
                    "How far apart in time a prediction and its true label on the ground-truth topic may be and still be "
                            + "scored (plus join.grace.ms for records that arrive out of order).")
            .define(QUALITY_WINDOW_MS, Type.LONG, 60_000L, Range.atLeast(STEPS_PER_WINDOW), Importance.MEDIUM,
                    "Agreement, KL and accuracy per model version are averaged over the matches of this much "
                            + "stream time, in steps of a tenth of it.")
            .define(DRIFT_WINDOW_MS, Type.LONG, 30_000L, Range.atLeast(STEPS_PER_WINDOW), Importance.MEDIUM,
                    "The current class distributions (teacher and student) and the teacher's mean entropy cover "
                            + "this much stream time, sliding in steps of a tenth of it.")
            .define(DRIFT_REFERENCE_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Length of the reference window: the class distribution of the first this-many ms of stream "
                            + "time the monitor sees (extended until it holds drift.min.samples records), then frozen "
                            + "and kept in a state store across restarts. Drift is measured against it; to take a new "
                            + "reference, run the monitor with a new application.id.")
            .define(DRIFT_MIN_SAMPLES, Type.INT, 100, Range.atLeast(1), Importance.LOW,
                    "Records both the reference and the current window must hold before PSI and JS are reported "
                            + "(until then the gauges read NaN): fewer make the figures mostly sampling noise.")
            .define(DRIFT_INPUT_BINS, Type.INT, 10, Range.between(2, 50), Importance.LOW,
                    "Input drift compares each input feature's histogram over this many bins, cut at quantiles of "
                            + "the reference, so each bin holds an equal share of it. More bins see finer changes but "
                            + "need more records per window to stay above sampling noise.")
            .define(DRIFT_INPUT_FEATURES_MAX, Type.INT, 64, Range.between(1, 100), Importance.LOW,
                    "Vector inputs: input drift watches the first this-many features of each input (images are "
                            + "summarised by a fixed set of statistics instead). Bounds the monitor's memory and the "
                            + "size of the reference it keeps in its changelog.")
            .define(DRIFT_INPUT_TOP_FEATURES, Type.INT, 5, Range.between(1, 20), Importance.LOW,
                    "How many of the most drifted input features have a kd_monitor_input_drift_psi gauge of their "
                            + "own (tag feature); the largest PSI of all is kd_monitor_input_drift_psi_max.")
            .define(METRICS_VERSIONS_KEPT, Type.INT, 3, Range.between(1, 100), Importance.LOW,
                    "Per-version gauges are kept for this many of the newest model versions; older ones are removed "
                            + "so the number of series stays bounded.");

    public MonitorConfig(Map<String, ?> originals) {
        super(DEFINITION, originals);
    }

    @Override
    protected List<String> crossFieldProblems() {
        List<String> problems = new ArrayList<>();
        if (getLong(JOIN_GRACE_MS) > getLong(JOIN_WINDOW_MS)) {
            problems.add(JOIN_GRACE_MS + " (" + getLong(JOIN_GRACE_MS) + ") must not exceed " + JOIN_WINDOW_MS + " ("
                    + getLong(JOIN_WINDOW_MS) + "): a longer grace only delays the no_label count and keeps join "
                    + "state longer; widen " + JOIN_WINDOW_MS + " if labels arrive that late");
        }
        if (getLong(DRIFT_WINDOW_MS) > getLong(DRIFT_REFERENCE_MS)) {
            problems.add(DRIFT_WINDOW_MS + " (" + getLong(DRIFT_WINDOW_MS) + ") must not exceed " + DRIFT_REFERENCE_MS
                    + " (" + getLong(DRIFT_REFERENCE_MS) + "): a reference shorter than the current window is the "
                    + "noisier side of every comparison; lengthen " + DRIFT_REFERENCE_MS);
        }
        Integer classCount = getInt(CLASS_COUNT);
        TaskContract task = task();
        if (classCount != null && classCount != task.classCount()) {
            problems.add(CLASS_COUNT + " (" + classCount + ") disagrees with the " + task.classCount() + " classes of "
                    + TaskSetting.KEY + " " + task.name() + ": remove " + CLASS_COUNT + " (the task names the classes)");
        }
        return problems;
    }

    /** The task whose predictions and soft labels the monitor reads; records of another shape are dead-lettered. */
    public TaskContract task() {
        return TaskSetting.of(this);
    }

    /** The task's class names in index order, for meters tagged by class. */
    public List<String> classNames() {
        return task().classNames();
    }

    public String applicationId() {
        return getString(APPLICATION_ID);
    }

    /** The state folder, or empty for Kafka Streams' default. */
    public String stateDir() {
        return getString(STATE_DIR);
    }

    /** The task's class count. */
    public int classCount() {
        return task().classCount();
    }

    public Duration joinWindow() {
        return Duration.ofMillis(getLong(JOIN_WINDOW_MS));
    }

    public Duration joinGrace() {
        return Duration.ofMillis(getLong(JOIN_GRACE_MS));
    }

    public Duration groundTruthWindow() {
        return Duration.ofMillis(getLong(GROUND_TRUTH_WINDOW_MS));
    }

    public Duration qualityWindow() {
        return Duration.ofMillis(getLong(QUALITY_WINDOW_MS));
    }

    public Duration driftWindow() {
        return Duration.ofMillis(getLong(DRIFT_WINDOW_MS));
    }

    public Duration driftReference() {
        return Duration.ofMillis(getLong(DRIFT_REFERENCE_MS));
    }

    public int driftMinSamples() {
        return getInt(DRIFT_MIN_SAMPLES);
    }

    /** The spans of the drift measures: window, its steps, reference, and the records each must hold. */
    public DriftWindows driftWindows() {
        return new DriftWindows(driftWindow(), STEPS_PER_WINDOW, driftReference(), driftMinSamples());
    }

    public int driftInputBins() {
        return getInt(DRIFT_INPUT_BINS);
    }

    /** The features of the task's inputs that input drift watches. */
    public InputFeatures inputFeatures() {
        return InputFeatures.of(task(), getInt(DRIFT_INPUT_FEATURES_MAX));
    }

    public int driftInputTopFeatures() {
        return getInt(DRIFT_INPUT_TOP_FEATURES);
    }

    public int versionsKept() {
        return getInt(METRICS_VERSIONS_KEPT);
    }

    private static ConfigDef.Validator unsetOrAtLeastTwo() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null && (Integer) value < 2) {
                throw new ConfigException(name, value, "a classifier has at least 2 classes");
            }
        }, () -> "unset, or [2,...]");
    }
}

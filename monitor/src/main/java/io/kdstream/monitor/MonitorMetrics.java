package io.kdstream.monitor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kdstream.core.kafka.DeadLetters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every meter of the monitor (see docs/METRICS.md). Figures are written by Kafka Streams threads and read by
 * gauges, scrapes and {@link #snapshot()} on other threads, hence the volatile holders.
 *
 * <p>Per-version gauges are kept for the newest {@code versionsKept} versions only: when a newer version appears,
 * the oldest one's gauges are removed from the registry, and figures for versions older than those kept are
 * ignored, so the number of series stays bounded however long the trainer runs.
 *
 * <p>Create one per registry: a second instance on the same registry would find the first one's gauges registered
 * under the same names and its own figures would never be shown.
 */
public final class MonitorMetrics {

    public static final String SERVICE = "monitor";

    public static final String AGREEMENT = "kd.monitor.agreement";
    public static final String KL = "kd.monitor.kl";
    public static final String ACCURACY = "kd.monitor.accuracy";
    public static final String MATCHED = "kd.monitor.matched";
    public static final String UNMATCHED = "kd.monitor.unmatched";
    public static final String DRIFT_PSI = "kd.monitor.drift.psi";
    public static final String DRIFT_JS = "kd.monitor.drift.js";
    public static final String TEACHER_ENTROPY = "kd.monitor.teacher.entropy";
    public static final String FRESHNESS = "kd.monitor.freshness";
    public static final String CLASS_AGREEMENT = "kd.monitor.class.agreement";
    public static final String CLASS_FREQUENCY = "kd.monitor.class.frequency";
    public static final String INPUT_DRIFT_PSI = "kd.monitor.input.drift.psi";
    public static final String INPUT_DRIFT_PSI_MAX = "kd.monitor.input.drift.psi.max";
    /** Classes with gauges of their own at most; beyond it only the worst by agreement have them. */
    public static final int MAX_CLASS_GAUGES = 50;

    public static final String NO_LABEL = "no_label";
    public static final String DUPLICATE = "duplicate";
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";

    /** How many freshness samples the median of {@link #snapshot()} is taken over. */
    static final int FRESHNESS_SAMPLES = 100;

    private final MeterRegistry registry;
    private final int versionsKept;
    private final Counter matched;
    private final Counter noLabel;
    private final Counter duplicate;
    private final Timer freshness;
    private final Figure psiTeacher = new Figure();
    private final Figure psiStudent = new Figure();
    private final Figure jsTeacher = new Figure();
    private final Figure jsStudent = new Figure();
    private final Figure teacherEntropy = new Figure();
    private final TreeMap<Long, VersionFigures> versions = new TreeMap<>();
    private final ArrayDeque<Double> freshnessSeconds = new ArrayDeque<>();
    private final Map<String, ClassFigures> classFigures = new HashMap<>();
    private final Figure inputPsiMax = new Figure();
    private final Map<String, FeatureFigure> featureFigures = new HashMap<>();

    public MonitorMetrics(MeterRegistry registry, int versionsKept) {
        this.registry = registry;
        this.versionsKept = versionsKept;
        this.matched = Counter.builder(MATCHED).description("Predictions joined with a soft label").register(registry);
        this.noLabel = unmatchedCounter(NO_LABEL);
        this.duplicate = unmatchedCounter(DUPLICATE);
        this.freshness = Timer.builder(FRESHNESS)
                .description("Newest traffic event a checkpoint trained on, to the first prediction served with it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        driftGauges(TEACHER, psiTeacher, jsTeacher);
        driftGauges(STUDENT, psiStudent, jsStudent);
        Gauge.builder(TEACHER_ENTROPY, teacherEntropy, Figure::get)
                .description("Mean entropy of the teacher's labels at T = 1 over the drift window, in nats")
                .register(registry);
        Gauge.builder(INPUT_DRIFT_PSI_MAX, inputPsiMax, Figure::get)
                .description("Largest PSI of any input feature, current window vs reference")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The dead-letter builder for the monitor's inputs, counting in {@code kd.dead.letters}. */
    public DeadLetters deadLetters(String deadLetterTopic) {
        return new DeadLetters(SERVICE, deadLetterTopic, registry);
    }

    public void matched() {
        matched.increment();
    }

    /** @param reason {@link #NO_LABEL} or {@link #DUPLICATE} */
    public void unmatched(String reason) {
        (DUPLICATE.equals(reason) ? duplicate : noLabel).increment();
    }

    /** The quality figures of one model version; NaN for a figure without data in the window. */
    public synchronized void quality(long modelVersion, double agreement, double kl, double accuracy) {
        VersionFigures figures = versions.get(modelVersion);
        if (figures == null) {
            if (versions.size() >= versionsKept && modelVersion < versions.firstKey()) {
                return;
            }
            figures = new VersionFigures(modelVersion);
            versions.put(modelVersion, figures);
            while (versions.size() > versionsKept) {
                versions.pollFirstEntry().getValue().meters.forEach(registry::remove);
            }
        }
        figures.agreement.set(agreement);
        figures.kl.set(kl);
        figures.accuracy.set(accuracy);
    }

    /** @param distribution {@link #TEACHER} or {@link #STUDENT} */
    public void drift(String distribution, double psi, double js) {
        boolean teacher = TEACHER.equals(distribution);
        (teacher ? psiTeacher : psiStudent).set(psi);
        (teacher ? jsTeacher : jsStudent).set(js);
    }

    public void teacherEntropy(double nats) {
        teacherEntropy.set(nats);
    }

    public void freshness(Duration delay) {
        freshness.record(delay);
        synchronized (freshnessSeconds) {
            freshnessSeconds.addLast(delay.toMillis() / 1000.0);
            while (freshnessSeconds.size() > FRESHNESS_SAMPLES) {
                freshnessSeconds.removeFirst();
            }
        }
    }

    /** The latest figures; the quality ones are those of the newest version with an agreement figure. */
    public MonitorSnapshot snapshot() {
        long version = -1;
        double agreement = Double.NaN;
        double kl = Double.NaN;
        double accuracy = Double.NaN;
        synchronized (this) {
            // Labels reach the join later than answers, so the newest version often has no figures yet: show the
            // newest version that has them.
            for (VersionFigures figures : versions.descendingMap().values()) {
                if (!Double.isNaN(figures.agreement.get()) || figures.version == versions.firstKey()) {
                    version = figures.version;
                    agreement = figures.agreement.get();
                    kl = figures.kl.get();
                    accuracy = figures.accuracy.get();
                    break;
                }
            }
        }
        return new MonitorSnapshot(version, agreement, kl, accuracy, psiTeacher.get(), psiStudent.get(),
                jsTeacher.get(), jsStudent.get(), teacherEntropy.get(), freshnessMedianSeconds(),
                (long) matched.count(), (long) (noLabel.count() + duplicate.count()));
    }

    private double freshnessMedianSeconds() {
        double[] values;
        synchronized (freshnessSeconds) {
            values = freshnessSeconds.stream().mapToDouble(Double::doubleValue).toArray();
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(values);
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private Counter unmatchedCounter(String reason) {
        return Counter.builder(UNMATCHED)
                .description("Predictions without a soft label within the join window, or duplicates")
                .tag("reason", reason)
                .register(registry);
    }

    private void driftGauges(String distribution, Figure psi, Figure js) {
        Gauge.builder(DRIFT_PSI, psi, Figure::get)
                .description("Population stability index of the class distribution, current window vs reference")
                .tag("distribution", distribution)
                .register(registry);
        Gauge.builder(DRIFT_JS, js, Figure::get)
                .description("Jensen-Shannon divergence of the class distribution, current window vs reference, in nats")
                .tag("distribution", distribution)
                .register(registry);
    }

    /**
     * Publishes per-class agreement and both models' class frequencies over the quality window. Tags are the task's
     * class names, so the series are bounded by the class count; with more than {@value #MAX_CLASS_GAUGES} classes only
     * the {@value #MAX_CLASS_GAUGES} with the lowest agreement keep gauges, the others' are removed.
     */
    public synchronized void perClass(List<String> classNames, double[] agreement, double[] teacherFrequency,
                                      double[] studentFrequency) {
        List<Integer> shown = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            shown.add(c);
        }
        if (shown.size() > MAX_CLASS_GAUGES) {
            // NaN (too few matches yet) sorts last: those classes are not the worst known
            shown.sort(Comparator.comparingDouble(c -> Double.isNaN(agreement[c]) ? Double.MAX_VALUE : agreement[c]));
            shown = shown.subList(0, MAX_CLASS_GAUGES);
        }
        Map<String, ClassFigures> kept = new HashMap<>();
        for (int c : shown) {
            String name = classNames.get(c);
            ClassFigures figures = classFigures.containsKey(name) ? classFigures.remove(name) : new ClassFigures(name);
            figures.agreement.set(agreement[c]);
            figures.teacherFrequency.set(teacherFrequency[c]);
            figures.studentFrequency.set(studentFrequency[c]);
            kept.put(name, figures);
        }
        classFigures.values().forEach(figures -> figures.meters.forEach(registry::remove));
        classFigures.clear();
        classFigures.putAll(kept);
    }

    /**
     * Publishes input drift: the largest PSI of any feature, and one gauge per feature for the {@code shown} most
     * drifted ones only (tag {@code feature}), so the series stay bounded however many features the input has; a
     * feature that leaves the most drifted loses its gauge.
     *
     * @param psi one figure per name, in the order of {@code featureNames}
     */
    public synchronized void inputDrift(List<String> featureNames, double[] psi, int shown) {
        List<Integer> order = new ArrayList<>();
        double max = Double.NaN;
        for (int f = 0; f < psi.length; f++) {
            order.add(f);
            max = Double.isNaN(max) ? psi[f] : Math.max(max, psi[f]);
        }
        inputPsiMax.set(max);
        order.sort(Comparator.comparingDouble((Integer f) -> psi[f]).reversed());
        Map<String, FeatureFigure> kept = new HashMap<>();
        for (int f : order.subList(0, Math.min(shown, order.size()))) {
            String name = featureNames.get(f);
            FeatureFigure figure = featureFigures.containsKey(name) ? featureFigures.remove(name) : new FeatureFigure(name);
            figure.psi.set(psi[f]);
            kept.put(name, figure);
        }
        featureFigures.values().forEach(figure -> registry.remove(figure.gauge));
        featureFigures.clear();
        featureFigures.putAll(kept);
    }

    /** The largest PSI of any input feature; NaN until the input reference and window are full. */
    public double inputDriftMax() {
        return inputPsiMax.get();
    }

    /** The input-drift gauge of one feature, removed when the feature leaves the most drifted. */
    private final class FeatureFigure {
        final Figure psi = new Figure();
        final Meter gauge;

        FeatureFigure(String name) {
            gauge = Gauge.builder(INPUT_DRIFT_PSI, psi, Figure::get).tag("feature", name)
                    .description("PSI of one input feature over quantile bins of the reference, current window vs "
                            + "reference; only the most drifted features have a gauge")
                    .register(registry);
        }
    }

    /** A figure a gauge reads; NaN until first set. */
    private static final class Figure {
        private volatile double value = Double.NaN;

        double get() {
            return value;
        }

        void set(double value) {
            this.value = value;
        }
    }

    /** The gauges of one class, and the meters to remove when it leaves the worst shown. */
    private final class ClassFigures {
        final Figure agreement = new Figure();
        final Figure teacherFrequency = new Figure();
        final Figure studentFrequency = new Figure();
        final List<Meter> meters;

        ClassFigures(String name) {
            meters = List.of(
                    Gauge.builder(CLASS_AGREEMENT, agreement, Figure::get).baseUnit("ratio").tag("class", name)
                            .description("Share of the teacher's top class that the student also answers, over the quality window")
                            .register(registry),
                    Gauge.builder(CLASS_FREQUENCY, teacherFrequency, Figure::get).baseUnit("ratio").tag("class", name)
                            .tag("distribution", TEACHER)
                            .description("Share of joined requests whose top class is this one, over the quality window")
                            .register(registry),
                    Gauge.builder(CLASS_FREQUENCY, studentFrequency, Figure::get).baseUnit("ratio").tag("class", name)
                            .tag("distribution", STUDENT)
                            .description("Share of joined requests whose top class is this one, over the quality window")
                            .register(registry));
        }
    }

    /** The three gauges of one model version, and the meters to remove when it ages out. */
    private final class VersionFigures {
        final long version;
        final Figure agreement = new Figure();
        final Figure kl = new Figure();
        final Figure accuracy = new Figure();
        final List<Meter> meters;

        VersionFigures(long version) {
            this.version = version;
            String tag = Long.toString(version);
            meters = List.of(
                    Gauge.builder(AGREEMENT, agreement, Figure::get).baseUnit("ratio").tag("model_version", tag)
                            .description("Top-1 agreement of student and teacher over the quality window").register(registry),
                    Gauge.builder(KL, kl, Figure::get).tag("model_version", tag)
                            .description("Mean KL(teacher || student) over the quality window, teacher at T = 1, in nats").register(registry),
                    Gauge.builder(ACCURACY, accuracy, Figure::get).baseUnit("ratio").tag("model_version", tag)
                            .description("Student accuracy against true labels over the quality window").register(registry));
        }
    }
}

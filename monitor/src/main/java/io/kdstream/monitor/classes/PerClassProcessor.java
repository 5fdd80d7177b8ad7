package io.kdstream.monitor.classes;

import java.time.Duration;
import java.util.List;

import io.kdstream.monitor.MonitorMetrics;
import io.kdstream.monitor.state.RollingSums;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Rolling per-class counts over the quality window, for every class c: matches whose teacher top class is c, whose
 * student top class is c, and both. From them: agreement on class c (the share of the teacher's c that the student
 * also calls c) and each model's class frequency. A class with fewer than {@value #MIN_MATCHES} teacher matches in
 * the window has no agreement figure yet (NaN), so a rare class does not raise alerts on a handful of requests.
 */
public final class PerClassProcessor implements Processor<String, ClassPair, Void, Void> {

    public static final String STORE = "class-sums";
    public static final String SERIES = "classes";
    public static final int MIN_MATCHES = 20;

    private final MonitorMetrics metrics;
    private final List<String> classNames;
    private final Duration window;
    private final int steps;
    private RollingSums sums;

    public PerClassProcessor(MonitorMetrics metrics, List<String> classNames, Duration window, int steps) {
        this.metrics = metrics;
        this.classNames = List.copyOf(classNames);
        this.window = window;
        this.steps = steps;
    }

    public static StoreBuilder<WindowStore<String, double[]>> storeBuilder(Duration window, int steps) {
        return RollingSums.storeBuilder(STORE, window, steps);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        WindowStore<String, double[]> store = context.getStateStore(STORE);
        this.sums = new RollingSums(store, window, steps);
    }

    @Override
    public void process(Record<String, ClassPair> record) {
        int classes = classNames.size();
        ClassPair pair = record.value();
        if (pair.teacherClass() < 0 || pair.teacherClass() >= classes || pair.studentClass() < 0 || pair.studentClass() >= classes) {
            return;
        }
        double[] increment = new double[3 * classes];
        increment[pair.teacherClass()] = 1;
        increment[classes + pair.studentClass()] = 1;
        if (pair.teacherClass() == pair.studentClass()) {
            increment[2 * classes + pair.teacherClass()] = 1;
        }
        sums.add(SERIES, record.timestamp(), increment);
        double[] window = sums.window(SERIES, record.timestamp(), 3 * classes);
        double total = 0;
        for (int c = 0; c < classes; c++) {
            total += window[c];
        }
        double[] agreement = new double[classes];
        double[] teacherFrequency = new double[classes];
        double[] studentFrequency = new double[classes];
        for (int c = 0; c < classes; c++) {
            agreement[c] = window[c] >= MIN_MATCHES ? window[2 * classes + c] / window[c] : Double.NaN;
            teacherFrequency[c] = total == 0 ? Double.NaN : window[c] / total;
            studentFrequency[c] = total == 0 ? Double.NaN : window[classes + c] / total;
        }
        metrics.perClass(classNames, agreement, teacherFrequency, studentFrequency);
    }
}

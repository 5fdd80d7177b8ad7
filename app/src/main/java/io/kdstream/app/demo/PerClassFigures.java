package io.kdstream.app.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.monitor.MonitorMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The summary's {@code student.per_class}: for every class name, the served student's accuracy on the test examples
 * of that class (its recall), its F1, and the monitor's live agreement with the teacher on that class (null until
 * the monitor has joined enough requests of it). The seeds' bias-transfer check: one class can fall apart while the
 * averages hold.
 */
final class PerClassFigures {

    private PerClassFigures() {
    }

    /** @param predicted the student's answers, −1 where the gateway gave none */
    static Map<String, Object> of(int[] predicted, int[] actual, List<String> classNames, MeterRegistry registry) {
        int classes = classNames.size();
        long[] truePositives = new long[classes];
        long[] predictedCount = new long[classes];
        long[] actualCount = new long[classes];
        for (int i = 0; i < actual.length; i++) {
            actualCount[actual[i]]++;
            if (predicted[i] >= 0 && predicted[i] < classes) {
                predictedCount[predicted[i]]++;
                truePositives[actual[i]] += predicted[i] == actual[i] ? 1 : 0;
            }
        }
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classes; c++) {
            double recall = actualCount[c] == 0 ? Double.NaN : (double) truePositives[c] / actualCount[c];
            double precision = predictedCount[c] == 0 ? 0 : (double) truePositives[c] / predictedCount[c];
            double f1 = actualCount[c] == 0 ? Double.NaN
                    : precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("examples", actualCount[c]);
            figures.put("accuracy", nullIfNaN(recall));
            figures.put("f1", nullIfNaN(f1));
            figures.put("agreement", liveAgreement(registry, classNames.get(c)));
            perClass.put(classNames.get(c), figures);
        }
        return perClass;
    }

    private static Double liveAgreement(MeterRegistry registry, String className) {
        Gauge gauge = registry.find(MonitorMetrics.CLASS_AGREEMENT).tag("class", className).gauge();
        return gauge == null ? null : nullIfNaN(gauge.value());
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}

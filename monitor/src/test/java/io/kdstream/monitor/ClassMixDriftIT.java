package io.kdstream.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.monitor.testing.ClassMixTraffic;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift injection end to end on a real broker: soft labels with all ten classes, then only classes 0–2 (the
 * replay's {@code classmix} drift). The teacher PSI, as Prometheus scrapes it, stays below the 0.25 alert threshold
 * before the switch and crosses it within a bounded time after.
 */
class ClassMixDriftIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClassMixDriftIT.class);
    private static final Pattern TEACHER_PSI = Pattern.compile("(?m)^kd_monitor_drift_psi\\{distribution=\"teacher\"} (\\S+)$");
    private static final double ALERT_THRESHOLD = 0.25;
    private static final Duration BOUND_AFTER_SWITCH = Duration.ofSeconds(30);
    private static final int[] ALL_CLASSES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    @TempDir
    Path stateDir;

    @Test
    void shouldRaiseTeacherPsiAboveTheAlertThresholdAfterAClassMixShiftOnly() throws InterruptedException {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(Topics.DEFAULT.definitions(2, (short) 1));
            PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
            // 100 labels/s: a 5 s window holds ~500 labels and the 10 s reference ~1000, so without drift sampling
            // noise keeps PSI near (classes − 1)·(1/500 + 1/1000) ≈ 0.03.
            MonitorConfig config = new MonitorConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "application.id", "drift-it", "state.dir", stateDir.toString(),
                    "drift.window.ms", "5000", "drift.reference.ms", "10000", "drift.min.samples", "300"));
            try (MonitorService monitor = new MonitorService(config, registry);
                 ClassMixTraffic traffic = startTraffic(monitor, broker)) {
                double highestBefore = Eventually.await("teacher PSI reported for 6 s without drift",
                        Duration.ofSeconds(60), new HighestPsi(registry, Duration.ofSeconds(6)), HighestPsi::done).highest;
                assertThat(highestBefore).as("highest teacher PSI before the shift").isLessThan(ALERT_THRESHOLD);

                long switched = System.nanoTime();
                traffic.shiftTo(0, 1, 2);
                double after = Eventually.await("teacher PSI above " + ALERT_THRESHOLD + " after the shift",
                        BOUND_AFTER_SWITCH, () -> teacherPsi(registry), psi -> psi > ALERT_THRESHOLD);
                LOG.info("Teacher PSI {} before the shift at most, {} {} ms after it ({} labels sent)", highestBefore,
                        after, (System.nanoTime() - switched) / 1_000_000, traffic.sent());
            }
        }
    }

    private static ClassMixTraffic startTraffic(MonitorService monitor, EmbeddedKafkaBroker broker) {
        monitor.start();
        return new ClassMixTraffic(broker.bootstrapServers(), Topics.DEFAULT.softLabels(), 10, 100, ALL_CLASSES);
    }

    /** The teacher PSI as Prometheus sees it in a scrape; NaN until reported. */
    private static double teacherPsi(PrometheusMeterRegistry registry) {
        Matcher line = TEACHER_PSI.matcher(registry.scrape());
        assertThat(line.find()).as("kd_monitor_drift_psi{distribution=\"teacher\"} in the scrape").isTrue();
        return Double.parseDouble(line.group(1));
    }

    /** Polls the PSI and keeps the highest value seen from the first report until {@code span} later. */
    private static final class HighestPsi implements java.util.function.Supplier<HighestPsi> {
        private final PrometheusMeterRegistry registry;
        private final long spanNanos;
        private long firstReported;
        private double highest = Double.NaN;
        private boolean done;

        HighestPsi(PrometheusMeterRegistry registry, Duration span) {
            this.registry = registry;
            this.spanNanos = span.toNanos();
        }

        @Override
        public HighestPsi get() {
            double psi = teacherPsi(registry);
            if (!Double.isNaN(psi)) {
                if (Double.isNaN(highest)) {
                    firstReported = System.nanoTime();
                    highest = psi;
                }
                highest = Math.max(highest, psi);
                done = System.nanoTime() - firstReported >= spanNanos;
            }
            return this;
        }

        boolean done() {
            return done;
        }

        @Override
        public String toString() {
            return "highest PSI " + highest;
        }
    }
}

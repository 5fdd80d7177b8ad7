package io.kdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.kdstream.app.demo.Pipeline;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.app.testing.TinyTeacher;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.monitor.MonitorConfig;
import io.kdstream.monitor.MonitorMetrics;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kd replay --drift classmix@T} end to end: the real replay sends all ten classes onto kd-traffic, then only
 * classes 0–2 from T on; the teacher labels them and the monitor compares the teacher's class mix with its reference.
 * The teacher PSI stays below the 0.25 alert threshold before T and crosses it within a bounded time after.
 */
class DriftInjectionIT {

    private static final Logger LOG = LoggerFactory.getLogger(DriftInjectionIT.class);
    private static final double ALERT_THRESHOLD = 0.25;
    private static final Duration BOUND_AFTER_SWITCH = Duration.ofSeconds(30);
    /** 100 events/s: a 5 s drift window holds ~500 labels and the 10 s reference ~1000, so PSI noise is ~0.03. */
    private static final int RATE = 100;
    /** Leaves ~10 s for the pipeline to start labelling and 10 s of reference, then ~10 s of quiet samples. */
    private static final Duration SWITCH = Duration.ofSeconds(30);

    @Test
    void shouldKeepTeacherPsiQuietBeforeAClassMixDriftAndRaiseItAboveTheAlertThresholdAfter(@TempDir Path teacherDir)
            throws Exception {
        // given a pipeline whose monitor takes a 10 s reference and compares 5 s windows against it
        TinyTeacher.trainInto(teacherDir);
        Pipeline.Settings settings = new Pipeline.Settings(2,
                Map.of(TeacherConfig.TEACHER_DIR, teacherDir.toString()),
                Map.of(TrainerConfig.STUDENT_ARCHITECTURE, TinyTeacher.STUDENT.spec(), TrainerConfig.CHECKPOINT_INTERVAL_MS, 5000),
                Map.of("http.port", 0),
                Map.of(MonitorConfig.DRIFT_WINDOW_MS, 5000, MonitorConfig.DRIFT_REFERENCE_MS, 10_000,
                        MonitorConfig.DRIFT_MIN_SAMPLES, 300));
        try (Pipeline pipeline = Pipeline.start(settings)) {
            // when the replay shifts the class mix at SWITCH
            long started = System.nanoTime();
            try (Replay replay = new Replay(new KafkaTrafficSink(Map.of("bootstrap.servers", pipeline.bootstrapServers()),
                    Topics.DEFAULT.traffic(), "drift-it-replay"), FashionSlices.train(10_000), RATE, 0,
                    Drift.parse("classmix@" + SWITCH.toSeconds() + "s"))) {
                replay.start();

                // then the teacher PSI is reported before the switch and stays below the threshold throughout
                QuietPsi before = quietUntil(pipeline.registry(), started + SWITCH.toNanos());
                assertThat(before.samples).as("teacher PSI readings before the switch").isPositive();
                assertThat(before.highest).as("highest teacher PSI before the switch").isLessThan(ALERT_THRESHOLD);

                // and crosses it within the bound after the switch
                long switched = started + SWITCH.toNanos();
                double after = Eventually.await("teacher PSI above " + ALERT_THRESHOLD + " after the class-mix switch",
                        BOUND_AFTER_SWITCH, () -> teacherPsi(pipeline.registry()), psi -> psi > ALERT_THRESHOLD);
                LOG.info("Teacher PSI at most {} before the switch ({} readings), {} after {} ms ({} events sent)",
                        before.highest, before.samples, after, (System.nanoTime() - switched) / 1_000_000, replay.sent());
            }
        }
    }

    /** The teacher PSI gauge; NaN until the monitor reports it. */
    private static double teacherPsi(MeterRegistry registry) {
        Gauge gauge = registry.find(MonitorMetrics.DRIFT_PSI).tag("distribution", MonitorMetrics.TEACHER).gauge();
        assertThat(gauge).as(MonitorMetrics.DRIFT_PSI + "{distribution=teacher} registered").isNotNull();
        return gauge.value();
    }

    /** Samples the teacher PSI every 100 ms until {@code untilNanos}; the highest reported value and the count. */
    private static QuietPsi quietUntil(MeterRegistry registry, long untilNanos) throws InterruptedException {
        double highest = Double.NEGATIVE_INFINITY;
        int samples = 0;
        while (System.nanoTime() < untilNanos) {
            double psi = teacherPsi(registry);
            if (!Double.isNaN(psi)) {
                highest = Math.max(highest, psi);
                samples++;
            }
            Thread.sleep(100);
        }
        return new QuietPsi(highest, samples);
    }

    private record QuietPsi(double highest, int samples) {
    }
}

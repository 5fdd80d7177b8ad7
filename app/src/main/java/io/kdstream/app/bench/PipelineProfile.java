package io.kdstream.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kdstream.teacher.TeacherMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Where the teacher pipeline's time goes over the windows a benchmark measures (between {@link #begin} and
 * {@link #end}, summed over rounds), from two sources:
 *
 * <ul>
 *   <li>the service's own stage timers ({@link TeacherMetrics#STAGE}): wall time per label in each stage. Poll-thread
 *       and inference-thread stages overlap, so they do not add up; on the inference thread
 *       {@code assemble + forward + encode + idle} spans the window.</li>
 *   <li>CPU time per label of the JVM's threads, grouped by role (inference, poll, producer I/O, broker, the
 *       benchmark's own clients, and JVM-internal time such as garbage collection and compilation). Unlike wall
 *       time, CPU time hardly changes with other load on a shared machine, so it says what the pipeline costs even
 *       where timing is noisy: on {@code c} cores the pipeline cannot beat {@code c / total} labels per second.</li>
 * </ul>
 */
final class PipelineProfile {

    /** The thread of the benchmarks' raw phase, which runs the teacher alone: it counts as inference. */
    static final String RAW_THREAD = "bench-raw";
    private static final String[] ROLES = {"inference", "poll", "producer_io", "broker", "bench_clients", "jvm_internal"};

    private final MeterRegistry registry;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<TeacherMetrics.Stage, Double> stageNanos = new EnumMap<>(TeacherMetrics.Stage.class);
    private final Map<String, Long> roleCpuNanos = new LinkedHashMap<>();
    private Map<TeacherMetrics.Stage, Double> stagesAtBegin;
    private Map<Long, Long> threadCpuAtBegin;
    private long processCpuAtBegin;
    private long jitMillisAtBegin;
    private long jitMillis;
    private long wallAtBegin;
    private long wallNanos;

    PipelineProfile(MeterRegistry registry) {
        this.registry = registry;
        for (TeacherMetrics.Stage stage : TeacherMetrics.Stage.values()) {
            stageNanos.put(stage, 0.0);
        }
        for (String role : ROLES) {
            roleCpuNanos.put(role, 0L);
        }
    }

    /** Starts a measured window. */
    void begin() {
        stagesAtBegin = stageTotals();
        threadCpuAtBegin = threadCpu();
        processCpuAtBegin = os.getProcessCpuTime();
        jitMillisAtBegin = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        wallAtBegin = System.nanoTime();
    }

    /** Ends the window begun last and adds it to the totals. */
    void end() {
        wallNanos += System.nanoTime() - wallAtBegin;
        jitMillis += ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMillisAtBegin;
        long process = os.getProcessCpuTime() - processCpuAtBegin;
        stageTotals().forEach((stage, nanos) -> stageNanos.merge(stage, nanos - stagesAtBegin.get(stage), Double::sum));
        Map<Long, Long> now = threadCpu();
        long javaThreads = 0;
        for (long id : now.keySet()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long spent = now.get(id) - threadCpuAtBegin.getOrDefault(id, 0L);
            if (info == null || spent <= 0) {
                continue;
            }
            javaThreads += spent;
            roleCpuNanos.merge(role(info.getThreadName()), spent, Long::sum);
        }
        roleCpuNanos.merge("jvm_internal", Math.max(0, process - javaThreads), Long::sum);
    }

    /** Which part of the pipeline a thread belongs to, by the names kd and Kafka give their threads. */
    static String role(String threadName) {
        if (threadName.startsWith("kd-teacher-inference") || threadName.equals(RAW_THREAD)) {
            return "inference";
        }
        if (threadName.startsWith("kafka-producer-network-thread | kd-teacher")) {
            return "producer_io";
        }
        if (threadName.startsWith("kd-teacher-")) {
            return "poll";
        }
        if (threadName.startsWith("bench-") || threadName.contains("| bench-") || threadName.equals("main")) {
            return "bench_clients";
        }
        return "broker";
    }

    /** Wall microseconds per label in each stage, over all windows. */
    Map<String, Double> stageMicrosPerLabel(long labels) {
        Map<String, Double> out = new LinkedHashMap<>();
        stageNanos.forEach((stage, nanos) -> out.put(stage.tag(), round(nanos / 1e3 / labels)));
        return out;
    }

    /** CPU microseconds per label by role, and their {@code total}, over all windows. */
    Map<String, Double> cpuMicrosPerLabel(long labels) {
        Map<String, Double> out = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, Long> role : roleCpuNanos.entrySet()) {
            out.put(role.getKey(), round(role.getValue() / 1e3 / labels));
            total += role.getValue();
        }
        out.put("total", round(total / 1e3 / labels));
        return out;
    }

    /**
     * The share of the windows' wall time the inference thread spent on batches (assemble, forward, encode). The
     * {@code idle} stage cannot say this per window: it is recorded when the next batch starts, so a round's first
     * batch carries the wait since the round before.
     */
    double inferenceBusyShare() {
        double busy = stageNanos.get(TeacherMetrics.Stage.ASSEMBLE) + stageNanos.get(TeacherMetrics.Stage.FORWARD)
                + stageNanos.get(TeacherMetrics.Stage.ENCODE);
        return wallNanos == 0 ? 0 : round(busy / wallNanos);
    }

    /** Cores busy on average over the windows: the JVM's CPU time over wall time. */
    double coresBusy() {
        long total = roleCpuNanos.values().stream().mapToLong(Long::longValue).sum();
        return wallNanos == 0 ? 0 : round((double) total / wallNanos);
    }

    /**
     * The JIT compiler's time over wall time in the windows (it runs on threads of its own, counted in
     * {@code jvm_internal}): near 0 once the code is compiled, which is when a benchmark should start measuring.
     */
    double jitShare() {
        return wallNanos == 0 ? 0 : round(jitMillis * 1e6 / wallNanos);
    }

    private Map<TeacherMetrics.Stage, Double> stageTotals() {
        Map<TeacherMetrics.Stage, Double> totals = new EnumMap<>(TeacherMetrics.Stage.class);
        for (TeacherMetrics.Stage stage : TeacherMetrics.Stage.values()) {
            Timer timer = registry.find(TeacherMetrics.STAGE).tag("stage", stage.tag()).timer();
            totals.put(stage, timer == null ? 0 : timer.totalTime(TimeUnit.NANOSECONDS));
        }
        return totals;
    }

    private Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

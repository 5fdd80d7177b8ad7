package io.kdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.app.demo.Pipeline;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.GatewayTrafficSink;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.app.testing.PrometheusServer;
import io.kdstream.app.testing.TinyTeacher;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.gateway.GatewayConfig;
import io.kdstream.monitor.MonitorConfig;
import io.kdstream.teacher.TeacherConfig;
import io.kdstream.trainer.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every query of every Grafana panel (ops/grafana/panel-queries.txt) returns data from a real Prometheus server
 * scraping a running pipeline, and Prometheus loads the alert rules of ops/prometheus/alerts.yml without error.
 * A panel whose metric never appears, or only with a different name or label, fails here rather than on a
 * dashboard an operator is looking at.
 */
class DashboardQueriesIT {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardQueriesIT.class);
    private static final Duration DATA_DEADLINE = Duration.ofMinutes(3);

    @Test
    void shouldReturnDataForEveryPanelQueryAndLoadEveryAlertRule(@TempDir Path teacherDir, @TempDir Path prometheusDir)
            throws Exception {
        // given a pipeline with windows short enough to report every figure within the test
        Path root = repositoryRoot();
        List<PanelQuery> panels = PanelQuery.readAll(root.resolve("ops/grafana/panel-queries.txt"));
        TinyTeacher.trainInto(teacherDir);
        Pipeline.Settings settings = new Pipeline.Settings(2,
                Map.of(TeacherConfig.TEACHER_DIR, teacherDir.toString()),
                Map.of(TrainerConfig.STUDENT_ARCHITECTURE, TinyTeacher.STUDENT.spec(), TrainerConfig.CHECKPOINT_INTERVAL_MS, 1000),
                // This stream labels about 80 examples per 1 s checkpoint, fewer than the paired gate's default 300:
                // every candidate would be superseded while pending, and freshness would never be measured.
                Map.of(GatewayConfig.HTTP_PORT, 0, GatewayConfig.SHADOW_FRACTION, 1.0, GatewayConfig.GATE_MIN_AGREEMENT, 0.3,
                        GatewayConfig.GATE_EXAMPLES_MIN, 50),
                Map.of(MonitorConfig.JOIN_WINDOW_MS, 10_000, MonitorConfig.JOIN_GRACE_MS, 2000,
                        MonitorConfig.QUALITY_WINDOW_MS, 10_000, MonitorConfig.DRIFT_WINDOW_MS, 5000,
                        MonitorConfig.DRIFT_REFERENCE_MS, 10_000, MonitorConfig.DRIFT_MIN_SAMPLES, 50));
        LabeledImages images = FashionSlices.train(5000);
        try (Pipeline pipeline = Pipeline.start(settings);
             Replay traffic = new Replay(new KafkaTrafficSink(Map.of("bootstrap.servers", pipeline.bootstrapServers()),
                     Topics.DEFAULT.traffic(), "dashboards-it-replay"), images, 50, 0, Drift.NONE)) {
            // when replayed traffic flows, clients call the gateway once it serves a model, and Prometheus scrapes
            traffic.start();
            Eventually.await("the gateway to serve a first checkpoint", Duration.ofSeconds(120),
                    () -> pipeline.gateway().servedVersion(), version -> version >= 0);
            try (Replay clients = new Replay(new GatewayTrafficSink(pipeline.gatewayUrl(),
                    Map.of("bootstrap.servers", pipeline.bootstrapServers()), Topics.DEFAULT.groundTruth(), "dashboards-it-truth"),
                    images, 20, 0, Drift.NONE);
                 PrometheusServer prometheus = PrometheusServer.start(prometheusDir,
                         pipeline.gatewayUrl().replace("http://", ""), root.resolve("ops/prometheus/alerts.yml"))) {
                clients.start();
                Eventually.await("prometheus to scrape the pipeline", Duration.ofSeconds(60),
                        () -> targetHealth(prometheus), "up"::equals);

                // then every panel query returns data before the deadline
                long polling = System.nanoTime();
                List<PanelQuery> empty = panelsWithoutData(prometheus, panels, DATA_DEADLINE);
                LOG.info("{} of {} panel queries returned data after {} s of scraping", panels.size() - empty.size(),
                        panels.size(), (System.nanoTime() - polling) / 1_000_000_000);
                assertThat(empty).as("panels that returned no data within %s s, of %s:%n%s%nprometheus log:%n%s",
                        DATA_DEADLINE.toSeconds(), panels.size(), describe(empty, prometheus), prometheus.log()).isEmpty();

                // and every alert rule is loaded and evaluates without error
                Map<String, String> health = Eventually.await("every alert rule evaluated", Duration.ofSeconds(30),
                        () -> ruleHealth(prometheus), rules -> !rules.isEmpty() && !rules.containsValue("unknown"));
                assertThat(health.keySet()).as("alert rules loaded").containsExactlyInAnyOrderElementsOf(
                        alertNames(root.resolve("ops/prometheus/alerts.yml")));
                assertThat(health).as("alert rule health").allSatisfy((name, state) -> assertThat(state).as(name).isEqualTo("ok"));
            }
        }
    }

    /** Queries every panel every 2 s until all have returned data once, or the deadline; those that never did. */
    private static List<PanelQuery> panelsWithoutData(PrometheusServer prometheus, List<PanelQuery> panels, Duration deadline) {
        List<PanelQuery> pending = new ArrayList<>(panels);
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            pending.removeIf(panel -> hasData(query(prometheus, panel.expr())));
            if (pending.isEmpty() || System.nanoTime() > end) {
                return pending;
            }
            sleep(Duration.ofSeconds(2));
        }
    }

    /** Non-empty, with at least one number: a vector of NaNs is a panel showing nothing useful. */
    private static boolean hasData(JsonNode result) {
        if (result.isArray() && result.size() == 2 && result.get(0).isNumber()) {
            return !"NaN".equals(result.get(1).asText());
        }
        for (JsonNode sample : result) {
            if (!"NaN".equals(sample.path("value").path(1).asText("NaN"))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(List<PanelQuery> empty, PrometheusServer prometheus) {
        return empty.stream().map(panel -> "  " + panel.dashboard() + " / " + panel.title() + ": " + panel.expr()
                + "\n    -> " + query(prometheus, panel.expr())).collect(Collectors.joining("\n"));
    }

    private static JsonNode query(PrometheusServer prometheus, String expr) {
        try {
            return prometheus.query(expr);
        } catch (IOException e) {
            throw new AssertionError("query failed: " + expr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String targetHealth(PrometheusServer prometheus) {
        try {
            JsonNode targets = prometheus.api("/api/v1/targets").path("activeTargets");
            return targets.size() == 1 ? targets.get(0).path("health").asText() : "targets: " + targets;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Alert rule name to health (ok, err, unknown) as {@code /api/v1/rules} reports it. */
    private static Map<String, String> ruleHealth(PrometheusServer prometheus) {
        Map<String, String> health = new LinkedHashMap<>();
        try {
            for (JsonNode group : prometheus.api("/api/v1/rules?type=alert").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String problem = rule.path("lastError").asText("");
                    health.put(rule.path("name").asText(), rule.path("health").asText() + (problem.isEmpty() ? "" : ": " + problem));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the rules", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return health;
    }

    /** The names after {@code - alert:} in a rule file. */
    private static List<String> alertNames(Path rules) throws IOException {
        return Files.readAllLines(rules).stream().map(String::strip).filter(line -> line.startsWith("- alert:"))
                .map(line -> line.substring("- alert:".length()).strip()).toList();
    }

    /** The folder holding ops/, found by walking up from the working directory (a module folder under Maven). */
    private static Path repositoryRoot() {
        for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
            if (Files.isDirectory(folder.resolve("ops"))) {
                return folder;
            }
        }
        throw new AssertionError("no ops/ folder above " + Path.of("").toAbsolutePath());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** One line of panel-queries.txt: {@code dashboard<TAB>panel title<TAB>expr}. */
    private record PanelQuery(String dashboard, String title, String expr) {

        static List<PanelQuery> readAll(Path file) throws IOException {
            List<PanelQuery> queries = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t", 3);
                if (fields.length != 3) {
                    throw new IllegalArgumentException(file + ": expected dashboard<TAB>title<TAB>expr, found: " + line);
                }
                queries.add(new PanelQuery(fields[0], fields[1], fields[2]));
            }
            assertThat(queries).as("panel queries in " + file).isNotEmpty();
            return queries;
        }

        @Override
        public String toString() {
            return dashboard + " / " + title;
        }
    }
}

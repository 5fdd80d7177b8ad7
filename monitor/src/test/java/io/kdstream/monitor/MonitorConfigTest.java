package io.kdstream.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.kdstream.core.config.ConfigDocs;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorConfigTest {

    private static final Path DOCS = Path.of("..", "docs", "monitor.md");
    private static final String START = "<!-- settings:start (generated from MonitorConfig.DEFINITION) -->\n";
    private static final String END = "<!-- settings:end -->";

    @Test
    void shouldUseTheDocumentedDefaults() {
        MonitorConfig config = new MonitorConfig(Map.of());

        assertThat(config.metricsPort()).isEqualTo(9404);
        assertThat(config.applicationId()).isEqualTo("kd-monitor");
        assertThat(config.joinWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.joinGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.driftWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.driftReference()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.stateDir()).isEmpty();
        assertThat(config.topics().predictions()).isEqualTo("kd-predictions");
    }

    @Test
    void shouldReportEveryCrossFieldProblemNamingTheKeys() {
        assertThatThrownBy(() -> new MonitorConfig(Map.of("join.window.ms", "1000", "join.grace.ms", "2000",
                "drift.window.ms", "90000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 problem(s)")
                .hasMessageContaining("join.grace.ms (2000) must not exceed join.window.ms (1000)")
                .hasMessageContaining("drift.window.ms (90000) must not exceed drift.reference.ms (60000)");
    }

    @Test
    void shouldRefuseWindowsTooShortToSlideInSteps() {
        assertThatThrownBy(() -> new MonitorConfig(Map.of("drift.window.ms", "5", "class.count", "1")))
                .hasMessageContaining("drift.window.ms").hasMessageContaining("class.count");
    }

    @Test
    void shouldTakeClassesFromTheTaskAndRefuseADisagreeingClassCount() {
        MonitorConfig tabular = new MonitorConfig(Map.of("task", "tabular-rbf"));
        assertThat(tabular.classCount()).isEqualTo(5);
        assertThat(tabular.classNames()).containsExactly("alpha", "beta", "gamma", "delta", "epsilon");
        assertThat(new MonitorConfig(Map.of()).classNames()).hasSize(10).startsWith("T-shirt/top");
        assertThat(new MonitorConfig(Map.of("task", "tabular-rbf", "class.count", "5")).classCount()).isEqualTo(5);

        assertThatThrownBy(() -> new MonitorConfig(Map.of("task", "tabular-rbf", "class.count", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("class.count (10) disagrees with the 5 classes of task tabular-rbf: remove class.count");
    }

    @Test
    void shouldNameEveryMistakeOfABadTaskFile(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"name": "x", "input": {"dtype": "float32", "shape": [4], "features": ["a"]}, "classes": ["only"]}""");

        assertThatThrownBy(() -> new MonitorConfig(Map.of("task", bad.toString(), "join.window.ms", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("join.window.ms")
                .hasMessageContaining("task: '" + bad + "' has 2 problems")
                .hasMessageContaining("classes: 1 class names given")
                .hasMessageContaining("input.features: 1 names for 4 features");
    }

    @Test
    void shouldPassKafkaSettingsThroughButKeepTheApplicationId() {
        MonitorConfig config = new MonitorConfig(Map.of("bootstrap.servers", "k:9092", "application.id", "mon-2",
                "state.dir", "/var/lib/kd-monitor", "kafka.num.stream.threads", "2", "kafka.application.id", "ignored"));

        Properties properties = MonitorService.streamsProperties(config);

        assertThat(properties).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "mon-2")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "k:9092")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/kd-monitor")
                .containsEntry("num.stream.threads", "2");
    }

    /**
     * docs/monitor.md's settings table is generated from the code. To regenerate it after changing a key, run
     * {@code mvn -o -pl monitor -am test -Dtest=MonitorConfigTest -Dsurefire.failIfNoSpecifiedTests=false -Dkd.docs.update=true}.
     */
    @Test
    void shouldDocumentEverySettingInDocsMonitorMd() throws IOException {
        String docs = Files.readString(DOCS, StandardCharsets.UTF_8);
        int start = docs.indexOf(START);
        int end = docs.indexOf(END);
        assertThat(start).as("docs/monitor.md must hold the markers %s and %s", START.trim(), END).isNotNegative();
        assertThat(end).isGreaterThan(start);
        String generated = ConfigDocs.markdownTable(MonitorConfig.DEFINITION);
        if (Boolean.getBoolean("kd.docs.update")) {
            Files.writeString(DOCS, docs.substring(0, start + START.length()) + generated + docs.substring(end), StandardCharsets.UTF_8);
            return;
        }

        assertThat(docs.substring(start + START.length(), end))
                .as("docs/monitor.md's settings table differs from MonitorConfig.DEFINITION; regenerate it with "
                        + "mvn -o -pl monitor -am test -Dtest=MonitorConfigTest -Dsurefire.failIfNoSpecifiedTests=false -Dkd.docs.update=true")
                .isEqualTo(generated);
    }
}

package io.kdstream.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

    static final class ExampleConfig extends ServiceConfig {
        static final ConfigDef DEFINITION = commonDefinitions(9999)
                .define("batch.max", ConfigDef.Type.INT, 64, ConfigDef.Range.atLeast(1), ConfigDef.Importance.HIGH, "Largest batch.")
                .define("batch.min", ConfigDef.Type.INT, 1, ConfigDef.Range.atLeast(1), ConfigDef.Importance.HIGH, "Smallest batch.");

        ExampleConfig(Map<String, ?> originals) {
            super(DEFINITION, originals);
        }

        @Override
        protected List<String> crossFieldProblems() {
            return getInt("batch.min") > getInt("batch.max")
                    ? List.of("batch.min (" + getInt("batch.min") + ") must not exceed batch.max (" + getInt("batch.max") + "): lower batch.min")
                    : List.of();
        }
    }

    @Test
    void shouldReportEveryBadValueAtOnce() {
        assertThatThrownBy(() -> new ExampleConfig(Map.of("batch.max", "0", "metrics.port", "70000", "batch.typo", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("3 problem(s)")
                .hasMessageContaining("batch.max")
                .hasMessageContaining("metrics.port")
                .hasMessageContaining("batch.typo: unknown setting");
    }

    @Test
    void shouldNameBothKeysOfACrossFieldProblem() {
        assertThatThrownBy(() -> new ExampleConfig(Map.of("batch.max", "4", "batch.min", "8")))
                .hasMessageContaining("batch.min (8) must not exceed batch.max (4)");
    }

    @Test
    void shouldPassPrefixedSettingsToKafkaClients() {
        ExampleConfig config = new ExampleConfig(Map.of("bootstrap.servers", "a:1,b:2", "kafka.security.protocol", "SSL"));

        assertThat(config.kafkaClientSettings()).containsEntry("bootstrap.servers", "a:1,b:2").containsEntry("security.protocol", "SSL");
        assertThat(config.topics().traffic()).isEqualTo("kd-traffic");
    }

    @Test
    void shouldDocumentEveryKeyInMarkdown() {
        String table = ConfigDocs.markdownTable(ExampleConfig.DEFINITION);

        assertThat(table).contains("| `batch.max` | int | `64` | [1,...] | Largest batch. |").contains("`bootstrap.servers`");
    }
}

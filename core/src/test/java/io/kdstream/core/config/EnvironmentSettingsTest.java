package io.kdstream.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class EnvironmentSettingsTest {

    private static final ConfigDef DEFINITION = ServiceConfig.commonDefinitions(9400)
            .define("gate.max.drop", Type.DOUBLE, 0.01, Importance.LOW, "a service's own key");

    @Test
    void mapsEachDefinedKeyToItsUpperSnakeCaseVariable() {
        assertThat(EnvironmentSettings.variableFor("gate.max.drop")).isEqualTo("KD_GATE_MAX_DROP");
        assertThat(EnvironmentSettings.from(DEFINITION, Map.of(
                "KD_GATE_MAX_DROP", "0.02",
                "KD_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "gate.max.drop", "0.02",
                        "bootstrap.servers", "kafka-1:9092,kafka-2:9092"));
    }

    @Test
    void passesKafkaClientVariablesThroughWithTheirPrefix() {
        assertThat(EnvironmentSettings.from(DEFINITION, Map.of(
                "KD_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "KD_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                        "kafka.security.protocol", "SASL_SSL"));
    }

    @Test
    void leavesKdsOtherVariablesAndForeignOnesAlone() {
        assertThat(EnvironmentSettings.from(DEFINITION, Map.of(
                "KD_HOME", "/var/lib/kd",
                "KD_JAVA_OPTS", "-Xmx1g",
                "KD_KAFKA_", "nothing after the prefix",
                "GATE_MAX_DROP", "0.5",
                "PATH", "/usr/bin"))).isEmpty();
    }
}

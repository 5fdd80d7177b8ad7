package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void shouldDefaultToTheDocumentedValues() {
        GatewayConfig config = new GatewayConfig(Map.of());

        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.modelName()).isEqualTo("student");
        assertThat(config.minAgreement()).isEqualTo(0.6);
        assertThat(config.maxDrop()).isEqualTo(0.01);
        assertThat(config.pairedGate()).isTrue();
        assertThat(config.batchMax()).isEqualTo(32);
        assertThat(config.batchWait()).isEqualTo(Duration.ofMillis(2));
        assertThat(config.shadowFraction()).isEqualTo(0.1);
        assertThat(config.predictionsFraction()).isEqualTo(1.0);
        assertThat(config.adminToken()).isEmpty();
        assertThat(config.device()).isEqualTo("auto");
        assertThat(config.topics().checkpoints()).isEqualTo("kd-checkpoints");
        assertThat(config.task()).isEmpty();
    }

    @Test
    void shouldPinABuiltInTaskByNameAndRefuseAnUnknownOneNamingTheKey() {
        assertThat(new GatewayConfig(Map.of(GatewayConfig.TASK, "tabular-rbf")).task()).hasValueSatisfying(
                task -> assertThat(task.inputSize()).isEqualTo(16));
        assertThatThrownBy(() -> new GatewayConfig(Map.of(GatewayConfig.TASK, "no-such-task")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("task: task no-such-task")
                .hasMessageContaining("neither a built-in task [fashion-mnist, tabular-rbf] nor an existing task file");
    }

    @Test
    void shouldReportEveryProblemAtOnceNamingTheKeys() {
        assertThatThrownBy(() -> new GatewayConfig(Map.of(
                GatewayConfig.GATE_MIN_AGREEMENT, "1.5",
                GatewayConfig.DEVICE, "tpu",
                GatewayConfig.HTTP_MAX_BODY_BYTES, "100",
                "metrics.port", "9400")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("4 problem(s)")
                .hasMessageContaining("gate.min.agreement")
                .hasMessageContaining("device")
                .hasMessageContaining("http.max.body.bytes")
                .hasMessageContaining("metrics.port: unknown setting");
    }

    @Test
    void shouldRefuseSettingsThatContradictEachOther() {
        assertThatThrownBy(() -> new GatewayConfig(Map.of(
                GatewayConfig.BATCH_MAX, "64",
                GatewayConfig.BATCH_QUEUE_CAPACITY, "16",
                GatewayConfig.BATCH_WAIT_MS, "500",
                GatewayConfig.REQUEST_TIMEOUT_MS, "200",
                GatewayConfig.ADMIN_TOKEN, "short",
                "topic.predictions", "kd-traffic")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("4 problem(s)")
                .hasMessageContaining("batch.queue.capacity (16) must hold at least one full batch (batch.max = 64)")
                .hasMessageContaining("batch.wait.ms (500) must be below request.timeout.ms (200)")
                .hasMessageContaining("admin.token has 5 characters but needs at least 16")
                .hasMessageContaining("topic.traffic and topic.predictions are both 'kd-traffic'");
    }

    @Test
    void shouldPassKafkaSettingsThroughAndKeepTheTokenSecret() {
        GatewayConfig config = new GatewayConfig(Map.of(
                "bootstrap.servers", "k1:9092", "kafka.security.protocol", "SSL", GatewayConfig.ADMIN_TOKEN, "a-long-enough-secret-token"));

        assertThat(config.kafkaClientSettings()).containsEntry("security.protocol", "SSL").containsEntry("bootstrap.servers", "k1:9092");
        assertThat(config.adminToken()).isEqualTo("a-long-enough-secret-token");
        assertThat(config.toString()).doesNotContain("a-long-enough-secret-token");
    }
}

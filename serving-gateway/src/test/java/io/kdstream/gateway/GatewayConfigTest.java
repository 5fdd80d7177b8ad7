package io.kdstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.kdstream.core.config.ConfigDocs;
import io.kdstream.core.config.TaskSetting;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    @Test
    void shouldDefaultToTheDocumentedValues() {
        GatewayConfig config = new GatewayConfig(Map.of());

        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.modelName()).isEqualTo("student");
        assertThat(config.minAgreement()).isEqualTo(0.6);
        assertThat(config.maxDrop()).isEqualTo(0.01);
        assertThat(config.pairedGate()).isFalse();
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
        assertThat(new GatewayConfig(Map.of(TaskSetting.KEY, "tabular-rbf")).task()).hasValueSatisfying(
                task -> assertThat(task.inputSize()).isEqualTo(16));
        assertThatThrownBy(() -> new GatewayConfig(Map.of(TaskSetting.KEY, "no-such-task")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("task: 'no-such-task' is neither a built-in task [fashion-mnist, tabular-rbf] nor an existing task file");
    }

    @Test
    void shouldReadTheTaskSettingAsEveryOtherServiceDoesLeavingItEmptyToFollowTheCheckpoints(@TempDir Path dir) throws Exception {
        // given a task file with several mistakes
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"name": "Bad Name", "input": {"dtype": "int64", "shape": [0]}, "classes": ["only"]}""");

        // then the gateway reports every one of them with its other mistakes, in the words of the teacher's, trainer's
        // and monitor's task setting
        assertThatThrownBy(() -> new GatewayConfig(Map.of(TaskSetting.KEY, bad.toString(), GatewayConfig.DEVICE, "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("device")
                .hasMessageContaining("task: '" + bad + "' has")
                .hasMessageContaining("input.dtype")
                .hasMessageContaining("classes");
        // and documents the setting with the shared text, saying what empty means for a gateway
        assertThat(ConfigDocs.markdownTable(GatewayConfig.DEFINITION))
                .contains("| `task` | string | `` |")
                .contains("What the models take and give")
                .contains("Empty (the default) follows the task of the first good checkpoint");
        assertThat(TaskSetting.pinned(new GatewayConfig(Map.of()))).isEmpty();
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

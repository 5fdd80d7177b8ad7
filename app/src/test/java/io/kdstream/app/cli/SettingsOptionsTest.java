package io.kdstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsOptionsTest {

    @Test
    void environmentOverridesTheFileAndIsOverriddenByTheCommandLine(@TempDir Path dir) throws IOException {
        // given a settings file, the environment and the command line, each giving some of the same keys
        Path file = dir.resolve("gateway.properties");
        Files.writeString(file, "gate.max.drop=0.03\nhttp.port=8081\nbatch.max=16\n");
        SettingsOptions options = new SettingsOptions();
        new CommandLine(options).parseArgs("--config", file.toString(), "--set", "http.port=8082", "--bootstrap", "kafka:9092");
        Map<String, String> environment = Map.of("gate.max.drop", "0.02", "http.port", "8083", "bootstrap.servers", "env:9092");

        // when they are merged
        Map<String, Object> settings = options.settings(Map.of("batch.max", "8"), environment);

        // then each source overrides the one before it: defaults, file, environment, --set, --bootstrap
        assertThat(settings).containsEntry("batch.max", "16")
                .containsEntry("gate.max.drop", "0.02")
                .containsEntry("http.port", "8082")
                .containsEntry("bootstrap.servers", "kafka:9092");
    }
}

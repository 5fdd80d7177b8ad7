package io.kdstream.app.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.kdstream.core.config.EnvironmentSettings;
import io.kdstream.core.config.ServiceConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/**
 * How every service command takes settings, each source overriding the one before: a properties file
 * ({@code --config}), environment variables ({@link EnvironmentSettings}: {@code KD_GATE_MAX_DROP} for
 * {@code gate.max.drop}), {@code --set key=value}, then {@code --bootstrap}. Keys are those of the service's config
 * class (its page under docs/ lists them); {@code kafka.}-prefixed keys pass through to the Kafka clients (TLS,
 * SASL, ...), so secrets can come from the environment rather than the argument list.
 */
public final class SettingsOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting; repeatable. Overrides --config.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The merged settings of a service whose keys {@code definition} defines, read from this process's environment. */
    public Map<String, Object> settings(ConfigDef definition) {
        return settings(Map.of(), EnvironmentSettings.from(definition, System.getenv()));
    }

    /** The merged settings, with {@code defaults} underneath everything the operator gave. */
    Map<String, Object> settings(Map<String, ?> defaults, Map<String, String> environment) {
        Map<String, Object> settings = new LinkedHashMap<>(defaults);
        if (configFile != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --config " + configFile, e);
            }
            properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
        }
        settings.putAll(environment);
        settings.putAll(overrides);
        if (bootstrap != null) {
            settings.put("bootstrap.servers", bootstrap);
        }
        return settings;
    }

    /** Settings for a bare Kafka client: bootstrap servers plus the {@code kafka.}-prefixed keys without the prefix. */
    public Map<String, Object> kafkaClientSettings() {
        Map<String, Object> client = new LinkedHashMap<>();
        Map<String, String> environment = EnvironmentSettings.from(ServiceConfig.commonDefinitions(0), System.getenv());
        settings(Map.of("bootstrap.servers", "127.0.0.1:9092"), environment).forEach((key, value) -> {
            if (key.equals("bootstrap.servers")) {
                client.put(key, value);
            } else if (key.startsWith("kafka.")) {
                client.put(key.substring("kafka.".length()), value);
            }
        });
        return client;
    }
}

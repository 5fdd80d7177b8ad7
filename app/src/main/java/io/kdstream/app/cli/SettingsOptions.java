package io.kdstream.app.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import picocli.CommandLine.Option;

/**
 * How every service command takes settings: a properties file, then {@code --set key=value} overrides, then
 * {@code --bootstrap}. Keys are those of the service's config class ({@code kd config docs} lists them);
 * {@code kafka.}-prefixed keys pass through to the Kafka clients (TLS, SASL, ...).
 */
public final class SettingsOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting; repeatable. Overrides --config.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The merged settings, with {@code defaults} underneath everything the operator gave. */
    public Map<String, Object> settings(Map<String, ?> defaults) {
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
        settings.putAll(overrides);
        if (bootstrap != null) {
            settings.put("bootstrap.servers", bootstrap);
        }
        return settings;
    }

    /** Settings for a bare Kafka client: bootstrap servers plus the {@code kafka.}-prefixed keys without the prefix. */
    public Map<String, Object> kafkaClientSettings() {
        Map<String, Object> client = new LinkedHashMap<>();
        settings(Map.of("bootstrap.servers", "127.0.0.1:9092")).forEach((key, value) -> {
            if (key.equals("bootstrap.servers")) {
                client.put(key, value);
            } else if (key.startsWith("kafka.")) {
                client.put(key.substring("kafka.".length()), value);
            }
        });
        return client;
    }
}

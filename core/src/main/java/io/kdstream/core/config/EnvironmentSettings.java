package io.kdstream.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigDef;

/**
 * Settings taken from environment variables, so that secrets (SASL passwords, TLS key passwords) need not appear in
 * a process's argument list and containers can be configured the way orchestrators expect.
 *
 * <p>The mapping is mechanical: a key is upper-cased and its dots become underscores under the prefix
 * {@value #PREFIX}, so {@code gate.max.drop} is {@code KD_GATE_MAX_DROP} and the Kafka pass-through key
 * {@code kafka.sasl.jaas.config} is {@code KD_KAFKA_SASL_JAAS_CONFIG}. Only variables naming a key the service
 * defines, or starting with {@code KD_KAFKA_}, are read; kd's other variables ({@code KD_HOME}, {@code KD_JAVA_OPTS})
 * are not settings and are left alone.
 */
public final class EnvironmentSettings {

    public static final String PREFIX = "KD_";

    private static final String KAFKA_VARIABLE_PREFIX = variableFor(ServiceConfig.KAFKA_PREFIX);

    private EnvironmentSettings() {
    }

    /** The environment variable that sets {@code key}. */
    public static String variableFor(String key) {
        return PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The settings that {@code environment} gives for the keys of {@code definition}, by key. */
    public static Map<String, String> from(ConfigDef definition, Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        for (String key : definition.names()) {
            String value = environment.get(variableFor(key));
            if (value != null) {
                settings.put(key, value);
            }
        }
        environment.forEach((variable, value) -> {
            if (variable.startsWith(KAFKA_VARIABLE_PREFIX) && variable.length() > KAFKA_VARIABLE_PREFIX.length()) {
                String clientKey = variable.substring(KAFKA_VARIABLE_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                settings.put(ServiceConfig.KAFKA_PREFIX + clientKey, value);
            }
        });
        return settings;
    }
}

package io.kdstream.core.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.core.kafka.Topics;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The settings every kd-stream service shares (Kafka connection, topic names, metrics port) and the machinery
 * each service's own config class builds on.
 *
 * <p>Subclasses define their keys with {@link #commonDefinitions()} as the starting point and add cross-field
 * checks in {@link #crossFieldProblems()}. Construction validates every key and every cross-field rule before
 * failing, so an operator sees all mistakes in one message, each naming the key and the fix.
 *
 * <p>Keys starting with {@value #KAFKA_PREFIX} pass through to every Kafka client with the prefix removed
 * (for example {@code kafka.security.protocol=SASL_SSL}).
 */
public abstract class ServiceConfig extends AbstractConfig {

    public static final String KAFKA_PREFIX = "kafka.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String METRICS_PORT = "metrics.port";
    public static final String TOPIC_TRAFFIC = "topic.traffic";
    public static final String TOPIC_SOFT_LABELS = "topic.soft.labels";
    public static final String TOPIC_CHECKPOINTS = "topic.checkpoints";
    public static final String TOPIC_PREDICTIONS = "topic.predictions";
    public static final String TOPIC_GROUND_TRUTH = "topic.ground.truth";
    public static final String TOPIC_DEAD_LETTERS = "topic.dead.letters";

    protected ServiceConfig(ConfigDef definition, Map<String, ?> originals) {
        super(definition, validated(definition, originals), false);
        List<String> problems = crossFieldProblems();
        if (!problems.isEmpty()) {
            throw new ConfigException(getClass().getSimpleName() + " has " + problems.size() + " problem(s):\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** The shared keys; each service adds its own to a copy of this definition. */
    public static ConfigDef commonDefinitions(int defaultMetricsPort) {
        return new ConfigDef()
                .define(BOOTSTRAP_SERVERS, Type.LIST, "127.0.0.1:9092", Importance.HIGH,
                        "Kafka brokers to connect to (host:port, comma separated).")
                .define(METRICS_PORT, Type.INT, defaultMetricsPort, Range.between(0, 65535), Importance.MEDIUM,
                        "Port of the Prometheus /metrics endpoint; 0 picks a free port.")
                .define(TOPIC_TRAFFIC, Type.STRING, Topics.DEFAULT.traffic(), new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Topic of traffic events waiting to be labelled.")
                .define(TOPIC_SOFT_LABELS, Type.STRING, Topics.DEFAULT.softLabels(), new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Topic of the teacher's soft labels.")
                .define(TOPIC_CHECKPOINTS, Type.STRING, Topics.DEFAULT.checkpoints(), new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Compacted topic of student checkpoints (manifests and weight chunks).")
                .define(TOPIC_PREDICTIONS, Type.STRING, Topics.DEFAULT.predictions(), new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Topic of the gateway's answers, read by the monitor.")
                .define(TOPIC_GROUND_TRUTH, Type.STRING, Topics.DEFAULT.groundTruth(), new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Topic of late true labels.")
                .define(TOPIC_DEAD_LETTERS, Type.STRING, Topics.DEFAULT.deadLetters(), new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Topic where records that cannot be used are kept with the reason.");
    }

    /** Cross-field rules; each problem names the keys involved and how to fix them. */
    protected List<String> crossFieldProblems() {
        return List.of();
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    public int metricsPort() {
        return getInt(METRICS_PORT);
    }

    public Topics topics() {
        return new Topics(getString(TOPIC_TRAFFIC), getString(TOPIC_SOFT_LABELS), getString(TOPIC_CHECKPOINTS),
                getString(TOPIC_PREDICTIONS), getString(TOPIC_GROUND_TRUTH), getString(TOPIC_DEAD_LETTERS));
    }

    /** Settings for every Kafka client: bootstrap servers plus the {@value #KAFKA_PREFIX} pass-through keys. */
    public Map<String, Object> kafkaClientSettings() {
        Map<String, Object> settings = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
        settings.put("bootstrap.servers", bootstrapServers());
        return settings;
    }

    private static Map<String, ?> validated(ConfigDef definition, Map<String, ?> originals) {
        List<String> problems = new ArrayList<>();
        Map<String, String> asText = new HashMap<>();
        originals.forEach((key, value) -> asText.put(key, value instanceof List<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value)));
        for (ConfigValue value : definition.validateAll(asText).values()) {
            for (String message : value.errorMessages()) {
                problems.add(value.name() + ": " + message);
            }
        }
        for (String key : originals.keySet()) {
            if (!definition.names().contains(key) && !key.startsWith(KAFKA_PREFIX)) {
                problems.add(key + ": unknown setting (Kafka client settings take the prefix '" + KAFKA_PREFIX + "')");
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(String::compareTo);
            throw new ConfigException("invalid configuration, " + problems.size() + " problem(s):\n  - "
                    + String.join("\n  - ", problems));
        }
        return originals;
    }
}

package io.kdstream.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks at start-up that the topics a service needs exist as kd-stream defines them ({@link Topics#definitions}):
 * the cleanup policy, and the partition count where it matters (one partition for the checkpoint topic, which
 * gateways follow; predictions and soft labels alike, so that the monitor's join meets matching records). A topic a broker
 * auto-created (delete policy, the broker's partition count) would let kd-checkpoints grow forever; a service refuses
 * to start on it, naming the topic and the fix, rather than fail much later.
 */
public final class TopicCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The fix every problem names. */
    public static final String FIX = "create the topics with `kd topics create --bootstrap HOST:PORT` (or as in docs/OPERATIONS.md)";

    private TopicCheck() {
    }

    /**
     * @param topics the deployment's topic names
     * @param needed the names of the topics this service reads or writes
     * @return one line per problem found; empty when every needed topic is as kd-stream defines it
     */
    public static List<String> problems(Admin admin, Topics topics, Collection<String> needed, Duration timeout) {
        Map<String, TopicDescription> found = new HashMap<>();
        Map<ConfigResource, Config> configs;
        try {
            for (Map.Entry<String, KafkaFuture<TopicDescription>> entry : admin.describeTopics(needed).topicNameValues().entrySet()) {
                TopicDescription description = describe(entry.getValue(), timeout);
                if (description != null) {
                    found.put(entry.getKey(), description);
                }
            }
            List<ConfigResource> resources = found.keySet().stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            configs = admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topics " + needed + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        }
        Map<String, NewTopic> definitions = topics.definitions(1, (short) 1).stream()
                .collect(Collectors.toMap(NewTopic::name, topic -> topic, (a, b) -> a));
        List<String> problems = new ArrayList<>();
        for (String name : needed) {
            TopicDescription description = found.get(name);
            if (description == null) {
                problems.add("topic " + name + " does not exist");
                continue;
            }
            NewTopic definition = definitions.get(name);
            String wantedPolicy = definition == null || definition.configs() == null ? TopicConfig.CLEANUP_POLICY_DELETE
                    : definition.configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            ConfigEntry policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && !policy.value().equals(wantedPolicy)) {
                problems.add("topic " + name + " has cleanup.policy=" + policy.value() + " but needs " + wantedPolicy);
            }
        }
        TopicDescription checkpoints = found.get(topics.checkpoints());
        if (checkpoints != null && checkpoints.partitions().size() != 1) {
            problems.add("topic " + topics.checkpoints() + " has " + checkpoints.partitions().size()
                    + " partitions but needs exactly 1 (gateways follow its one partition)");
        }
        TopicDescription predictions = found.get(topics.predictions());
        TopicDescription labels = found.get(topics.softLabels());
        if (predictions != null && labels != null && predictions.partitions().size() != labels.partitions().size()) {
            problems.add("topics " + topics.predictions() + " and " + topics.softLabels() + " have " + predictions.partitions().size()
                    + " and " + labels.partitions().size() + " partitions but need the same count (the monitor joins them)");
        }
        return problems;
    }

    /**
     * Checks the needed topics and throws naming every problem and the fix, when there is one.
     *
     * @throws IllegalStateException naming each topic that is missing or defined otherwise, and the fix
     */
    public static void require(Map<String, Object> kafkaSettings, String service, Topics topics, Collection<String> needed) {
        List<String> problems;
        try (Admin admin = Admin.create(adminSettings(kafkaSettings))) {
            problems = problems(admin, topics, needed, TIMEOUT);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(service + " cannot start: " + String.join("; ", problems) + ". Fix: " + FIX);
        }
    }

    /** The topic's description, or null when it does not exist. */
    private static TopicDescription describe(KafkaFuture<TopicDescription> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new IllegalStateException("cannot describe topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not describe its topics within " + timeout.toSeconds()
                    + " s; check bootstrap.servers", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        }
    }

    /** Only the settings an admin client understands: the bootstrap servers and the security pass-through ones. */
    static Map<String, Object> adminSettings(Map<String, Object> kafkaSettings) {
        java.util.Set<String> known = AdminClientConfig.configNames();
        return kafkaSettings.entrySet().stream().filter(entry -> known.contains(entry.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}

package io.kdstream.app.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kdstream.core.kafka.TopicCheck;
import io.kdstream.core.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kd topics create}: creates kd-stream's topics on any cluster as the services need them (kd-checkpoints
 * compacted, with one partition), then checks them; run it once before the services start. A topic that exists
 * already is left as it is and checked like the others.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create kd-stream's topics on a Kafka cluster.",
        subcommands = TopicsCommand.Create.class)
public final class TopicsCommand {

    /** {@code kd topics create}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create the six topics (the ones that exist are kept) and check them; exits 1 naming any topic defined otherwise.")
    public static final class Create implements Callable<Integer> {

        @Mixin
        SettingsOptions settings;

        @Option(names = "--partitions", defaultValue = "4",
                description = "Partitions of the request-id keyed topics (default ${DEFAULT-VALUE}); they must all agree.")
        int partitions;

        @Option(names = "--replication", defaultValue = "1", description = "Replication factor (default ${DEFAULT-VALUE}).")
        short replication;

        @Override
        public Integer call() throws InterruptedException {
            Topics topics = Topics.DEFAULT;
            List<NewTopic> definitions = topics.definitions(partitions, replication);
            try (Admin admin = Admin.create(settings.kafkaClientSettings())) {
                for (NewTopic topic : definitions) {
                    create(admin, topic);
                }
                List<String> problems = TopicCheck.problems(admin, topics, definitions.stream().map(NewTopic::name).toList(),
                        Duration.ofSeconds(60));
                if (!problems.isEmpty()) {
                    problems.forEach(problem -> System.err.println("kd: " + problem));
                    System.err.println("kd: delete and re-create those topics (their data is lost), or fix them with kafka-configs.sh");
                    return 1;
                }
            }
            return 0;
        }

        private static void create(Admin admin, NewTopic topic) throws InterruptedException {
            try {
                admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
                System.out.println("created " + topic.name() + " (" + topic.numPartitions() + " partitions"
                        + (topic.configs() == null ? "" : ", " + topic.configs().getOrDefault("cleanup.policy", "delete")) + ")");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
                }
                System.out.println("kept " + topic.name() + " (exists)");
            } catch (TimeoutException e) {
                throw new IllegalStateException("the cluster did not create " + topic.name() + " within 60 s; check --bootstrap", e);
            }
        }
    }
}

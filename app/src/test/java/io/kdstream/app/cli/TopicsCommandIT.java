package io.kdstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kdstream.app.Kd;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.TopicCheck;
import io.kdstream.core.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsCommandIT {

    @Test
    void shouldCreateEveryTopicAsTheServicesNeedThem() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            int status = Kd.commandLine().execute("topics", "create", "--bootstrap", broker.bootstrapServers(), "--partitions", "3");

            assertThat(status).isZero();
            Topics topics = Topics.DEFAULT;
            assertThat(TopicCheck.problems(admin, topics, topics.definitions(3, (short) 1).stream().map(NewTopic::name).toList(),
                    Duration.ofSeconds(30))).isEmpty();
        }
    }

    @Test
    void shouldNameAnAutoCreatedCheckpointTopicAndTheFix() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            // given kd-checkpoints as a broker auto-creates it: the delete policy, three partitions
            broker.createTopics(List.of(new NewTopic("kd-checkpoints", 3, (short) 1)));
            PrintStream stderr = System.err;
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status;
            try {
                System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
                // when the topics are created
                status = Kd.commandLine().execute("topics", "create", "--bootstrap", broker.bootstrapServers());
            } finally {
                System.setErr(stderr);
            }

            // then the command fails naming the topic, and a service refuses to start on it, naming the fix
            assertThat(status).isEqualTo(1);
            assertThat(errors.toString(StandardCharsets.UTF_8))
                    .contains("kd-checkpoints has cleanup.policy=delete but needs compact")
                    .contains("kd-checkpoints has 3 partitions but needs exactly 1");
            assertThatThrownBy(() -> TopicCheck.require(Map.of("bootstrap.servers", broker.bootstrapServers()), "the trainer",
                    Topics.DEFAULT, List.of("kd-soft-labels", "kd-checkpoints")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("kd-checkpoints has cleanup.policy=delete")
                    .hasMessageContaining("kd topics create");
        }
    }
}

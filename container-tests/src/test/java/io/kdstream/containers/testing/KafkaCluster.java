package io.kdstream.containers.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * Three KRaft nodes, each broker and controller, on a network of the test's own: replication factor 3 and
 * min.insync.replicas 2 for every topic, internal ones included, so that one broker may be lost without losing a
 * write. The image is kd-kafka (ops/images/build.sh: Apache's jars from Maven Central) standing in for apache/kafka.
 *
 * <p>Inside the network the brokers are {@code kafka-N:9093}; the test JVM reaches them at {@link #bootstrap()}, on
 * loopback ports that survive a kill and restart of the container.
 */
public final class KafkaCluster implements AutoCloseable {

    public static final DockerImageName IMAGE =
            DockerImageName.parse(System.getProperty("kd.kafka.image", "kd-kafka:4.3.1")).asCompatibleSubstituteFor("apache/kafka");
    public static final int NODES = 3;

    private final Network network;
    private final List<KafkaContainer> brokers = new ArrayList<>();

    public KafkaCluster(Network network) {
        this.network = network;
        String voters = IntStream.rangeClosed(1, NODES).mapToObj(n -> n + "@kafka-" + n + ":9094").collect(Collectors.joining(","));
        for (int node = 1; node <= NODES; node++) {
            KafkaContainer broker = new KafkaContainer(IMAGE)
                    .withNetwork(network)
                    .withNetworkAliases("kafka-" + node)
                    .withEnv("KAFKA_NODE_ID", String.valueOf(node))
                    .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", voters)
                    .withEnv("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .withEnv("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "3")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "3")
                    .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "3")
                    .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "2")
                    .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                    // Raft timeouts for a loaded 2-core machine: with the defaults (1 s election, 2 s fetch) JVMs
                    // starved of CPU kept calling elections and the quorum did not settle in 6 minutes.
                    .withEnv("KAFKA_CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS", "5000")
                    .withEnv("KAFKA_CONTROLLER_QUORUM_FETCH_TIMEOUT_MS", "10000")
                    // A broker that stops heartbeating is fenced after 10 s, so a pause of 25 s is well past it.
                    .withEnv("KAFKA_BROKER_SESSION_TIMEOUT_MS", "10000")
                    .withEnv("KAFKA_BROKER_HEARTBEAT_INTERVAL_MS", "2000")
                    .withEnv("KAFKA_HEAP_OPTS", "-Xmx384m -Xms128m")
                    // Minutes, not seconds: on a loaded 2-core machine a KRaft quorum takes long to form.
                    .withStartupTimeout(Duration.ofMinutes(6));
            brokers.add(Loopback.only(broker));
        }
    }

    /** Starts the three nodes together: each waits for a quorum of the others before it reports running. */
    public KafkaCluster start() {
        Startables.deepStart(brokers).join();
        return this;
    }

    /** For clients in the test JVM. */
    public String bootstrap() {
        return brokers.stream().map(KafkaContainer::getBootstrapServers).collect(Collectors.joining(","));
    }

    /** For clients in containers on the cluster's network. */
    public String internalBootstrap() {
        return IntStream.rangeClosed(1, NODES).mapToObj(n -> "kafka-" + n + ":9093").collect(Collectors.joining(","));
    }

    public Network network() {
        return network;
    }

    public KafkaContainer node(int node) {
        return brokers.get(node - 1);
    }

    public Admin admin() {
        Properties props = new Properties();
        props.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"));
        return Admin.create(props);
    }

    /** SIGKILL, as a crashed machine: no controlled shutdown, no leadership handed over. */
    public void kill(int node) {
        Docker.kill(node(node).getContainerId());
    }

    /** Starts a killed node again on its own log directories. */
    public void restart(int node) {
        Docker.start(node(node).getContainerId());
    }

    public void pause(int node) {
        DockerClientFactory.instance().client().pauseContainerCmd(node(node).getContainerId()).exec();
    }

    public void unpause(int node) {
        DockerClientFactory.instance().client().unpauseContainerCmd(node(node).getContainerId()).exec();
    }

    @Override
    public void close() {
        brokers.forEach(Docker::remove);
    }
}

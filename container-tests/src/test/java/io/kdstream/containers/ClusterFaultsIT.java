package io.kdstream.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import io.kdstream.containers.testing.ContainerLogs;
import io.kdstream.containers.testing.GatewayLoad;
import io.kdstream.containers.testing.KafkaCluster;
import io.kdstream.containers.testing.KdService;
import io.kdstream.containers.testing.Ledger;
import io.kdstream.containers.testing.Traffic;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.testing.Eventually;
import io.kdstream.core.testing.FashionSlices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.lifecycle.Startables;

/**
 * kd-stream on a three-broker KRaft cluster (replication factor 3, min.insync.replicas 2), every service in its own
 * container: two teachers, one trainer, two gateways behind a client that fails over between them. Each test sends a
 * batch of traffic, injects one fault in the middle of it, and then checks the invariants over everything sent so
 * far: every request labelled exactly once, the newest checkpoint's lineage counting every label once (trained on,
 * dead-lettered or held out), and no client request left unanswered.
 *
 * <p>The faults run in order on one cluster and one pipeline (a cluster per fault would take this tier past its
 * budget on two cores); each test's invariants cover the whole stream up to it, so a fault that broke something
 * stays visible in every later test too.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFaultsIT.class);
    private static final int PARTITIONS = 4;
    /** Node 1 leads the checkpoint partition and every soft-label partition: the first fault kills it. */
    private static final int LEADER = 1;
    private static final int BATCH = 1200;
    private static final int RATE = 100;

    @TempDir
    Path teacherDir;

    private Network network;
    private KafkaCluster cluster;
    private KdService teacherA;
    private KdService teacherB;
    private KdService trainer;
    private KdService gatewayA;
    private KdService gatewayB;
    private Traffic traffic;
    private GatewayLoad clients;
    private long started;

    @BeforeAll
    void startThePipeline() {
        started = System.nanoTime();
        network = Network.newNetwork();
        cluster = new KafkaCluster(network).start();
        createTopics();
        log("cluster of %d nodes up, topics created", KafkaCluster.NODES);

        KdService.trainTeacher(cluster, teacherDir);
        log("teacher trained");
        teacherA = KdService.teacher(cluster, "teacher-a", teacherDir);
        teacherB = KdService.teacher(cluster, "teacher-b", teacherDir);
        trainer = KdService.trainer(cluster);
        gatewayA = KdService.gateway(cluster, "gateway-a");
        gatewayB = KdService.gateway(cluster, "gateway-b");
        Startables.deepStart(teacherA, teacherB, trainer, gatewayA, gatewayB).join();
        log("services up");

        LabeledImages images = FashionSlices.train(6000);
        traffic = new Traffic(cluster.bootstrap(), images);
        traffic.send("warm-up", 3000, 300).await();
        await("both gateways serving a checkpoint", Duration.ofMinutes(4),
                () -> gatewayA.answers("/health/ready") && gatewayB.answers("/health/ready"));
        clients = new GatewayLoad(List.of(() -> gatewayA.uri("/v1/predict"), () -> gatewayB.uri("/v1/predict")),
                FashionSlices.test(200), 50).start();
        assertBalanced("warm-up");
    }

    @AfterAll
    void removeEverything() throws Exception {
        if (clients != null) {
            clients.close();
        }
        Map<String, KdService> services = new java.util.LinkedHashMap<>();
        for (KdService service : new KdService[] {teacherA, teacherB, trainer, gatewayA, gatewayB}) {
            if (service != null) {
                services.put(service.name(), service);
            }
        }
        services.forEach((name, service) -> ContainerLogs.save("ClusterFaultsIT", name, service));
        services.values().forEach(KdService::remove);
        if (cluster != null) {
            IntStream.rangeClosed(1, KafkaCluster.NODES).forEach(n -> ContainerLogs.save("ClusterFaultsIT", "kafka-" + n, cluster.node(n)));
            cluster.close();
        }
        if (network != null) {
            network.close();
        }
        log("everything removed");
    }

    @Test
    @Order(1)
    void shouldLoseAndRepeatNothingWhenTheLeaderOfCheckpointsAndSoftLabelsIsKilled() throws Exception {
        Traffic.Batch batch = traffic.send("leader-kill", BATCH, RATE);
        awaitHanded(batch, BATCH / 3);
        cluster.kill(LEADER);
        log("killed node %d, the leader of kd-checkpoints and kd-soft-labels", LEADER);
        TimeUnit.SECONDS.sleep(15);
        cluster.restart(LEADER);
        log("restarted node %d", LEADER);
        batch.await();
        assertBalanced("leader kill");
        awaitInSync();
    }

    @Test
    @Order(2)
    void shouldLoseAndRepeatNothingWhenABrokerIsPausedPastItsSessionTimeout() throws Exception {
        Traffic.Batch batch = traffic.send("pause", BATCH, RATE);
        awaitHanded(batch, BATCH / 3);
        cluster.pause(2);
        log("paused node 2 (broker session timeout 10 s)");
        TimeUnit.SECONDS.sleep(25);
        cluster.unpause(2);
        log("unpaused node 2");
        batch.await();
        assertBalanced("pause");
        awaitInSync();
    }

    @Test
    @Order(3)
    void shouldLoseAndRepeatNothingWhenTheTrainerIsKilledAndRestarted() throws Exception {
        Traffic.Batch batch = traffic.send("trainer-kill", BATCH, RATE);
        awaitHanded(batch, BATCH / 3);
        long before = Ledger.read(cluster.bootstrap()).newestCheckpoint().orElseThrow().getVersion();
        trainer.kill();
        log("killed the trainer (SIGKILL) after checkpoint v%d", before);
        TimeUnit.SECONDS.sleep(5);
        trainer.restart();
        log("restarted the trainer");
        batch.await();
        assertBalanced("trainer kill");
        assertThat(trainer.getLogs()).as("the restarted trainer resumed from a checkpoint").contains("Resumed model 'student' from checkpoint v");
    }

    @Test
    @Order(4)
    void shouldLoseAndRepeatNothingWhenOneOfTwoTeachersIsKilled() throws Exception {
        Traffic.Batch batch = traffic.send("teacher-kill", BATCH, RATE);
        awaitHanded(batch, BATCH / 3);
        teacherB.kill();
        log("killed teacher-b (SIGKILL); teacher-a takes over its partitions");
        batch.await();
        assertBalanced("teacher kill");
    }

    @Test
    @Order(5)
    void shouldKeepAnsweringWhileOneGatewayRestarts() throws Exception {
        long failedBefore = clients.failedBy(0);
        Traffic.Batch batch = traffic.send("gateway-restart", BATCH, RATE);
        awaitHanded(batch, BATCH / 3);
        gatewayA.stopGracefully();
        log("stopped gateway-a; gateway-b answers alone");
        TimeUnit.SECONDS.sleep(5);
        gatewayA.restart();
        await("gateway-a serving again", Duration.ofMinutes(3), () -> gatewayA.answers("/health/ready"));
        log("gateway-a serving again");
        batch.await();
        assertBalanced("gateway restart");
        assertThat(clients.failedBy(0)).as("requests gateway-a could not answer while it was down").isGreaterThan(failedBefore);
    }

    /** The invariants over everything sent so far, once the pipeline has caught up with it. */
    private void assertBalanced(String after) {
        Set<String> sent = new HashSet<>(traffic.sent());
        Ledger ledger = Eventually.await("labels for all " + sent.size() + " requests and a checkpoint covering them, after " + after,
                Duration.ofMinutes(4), () -> Ledger.read(cluster.bootstrap()),
                l -> l.labelsPerRequest().keySet().containsAll(sent) && l.checkpointCoversEveryLabel());
        log("after %s: %s; clients answered %d, unanswered %d", after, ledger.summary(), clients == null ? 0 : clients.answered(),
                clients == null ? 0 : clients.unanswered());
        assertThat(ledger.labelledTwice()).as("requests labelled twice").isEmpty();
        assertThat(ledger.labelsPerRequest().keySet()).as("labelled requests").isEqualTo(sent);
        assertThat(ledger.deadLettersFrom(Ledger.TRAFFIC)).as("traffic dead-lettered by the teachers").isZero();
        assertThat(ledger.newestReassembles()).as("the newest checkpoint's weights reassemble").isTrue();
        assertThat(ledger.samplesSeen() + ledger.deadLettersFrom(Ledger.LABELS) + ledger.heldOut())
                .as("trained on + dead-lettered + held out, in the newest checkpoint's lineage (%s)", ledger.summary())
                .isEqualTo(ledger.labels());
        if (clients != null) {
            assertThat(clients.unanswered()).as("client requests no gateway answered (last failure: %s)", clients.lastFailure()).isZero();
        }
    }

    private void createTopics() {
        try (Admin admin = cluster.admin()) {
            Map<Integer, List<Integer>> ledByOne = IntStream.range(0, PARTITIONS).boxed()
                    .collect(java.util.stream.Collectors.toMap(p -> p, p -> p % 2 == 0 ? List.of(1, 2, 3) : List.of(1, 3, 2)));
            admin.createTopics(List.of(
                    new NewTopic(Ledger.TRAFFIC, PARTITIONS, (short) 3),
                    new NewTopic(Ledger.LABELS, ledByOne),
                    new NewTopic(Ledger.CHECKPOINTS, Map.of(0, List.of(1, 2, 3))).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.SEGMENT_MS_CONFIG, "60000",
                            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
                            TopicConfig.DELETE_RETENTION_MS_CONFIG, "60000")),
                    new NewTopic("kd-predictions", PARTITIONS, (short) 3),
                    new NewTopic("kd-ground-truth", PARTITIONS, (short) 3),
                    new NewTopic(Ledger.DEAD_LETTERS, 1, (short) 3))).all().get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics", e);
        }
    }

    /** Every partition back to three in-sync replicas, so that the next fault starts from a whole cluster. */
    private void awaitInSync() {
        await("every partition with 3 in-sync replicas", Duration.ofMinutes(3), () -> {
            try (Admin admin = cluster.admin()) {
                return admin.describeTopics(List.of(Ledger.TRAFFIC, Ledger.LABELS, Ledger.CHECKPOINTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .values().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.isr().size() == 3);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void awaitHanded(Traffic.Batch batch, int handed) {
        await(handed + " events of the batch sent", Duration.ofMinutes(2), () -> batch.handed() >= handed);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        Eventually.await(what, timeout, condition::getAsBoolean, done -> done);
    }

    private void log(String format, Object... args) {
        LOG.info("[{} s] {}", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), String.format(format, args));
    }
}

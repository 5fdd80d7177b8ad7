package io.kdstream.containers.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * One kd service in a container of the kd-stream image (ops/images/build.sh), on the cluster's network, with its
 * HTTP port (metrics, and the gateway's API) published on loopback.
 */
public final class KdService extends GenericContainer<KdService> {

    public static final DockerImageName IMAGE = DockerImageName.parse(System.getProperty("kd.image", "kd-stream:local"));
    public static final String FASHION_MNIST = System.getenv().getOrDefault("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int httpPort;

    private KdService(String name, int httpPort, List<String> command) {
        super(IMAGE);
        this.name = name;
        this.httpPort = httpPort;
        withNetworkAliases(name);
        withExposedPorts(httpPort);
        withCommand(command.toArray(String[]::new));
        withFileSystemBind(FASHION_MNIST, "/data/fashion-mnist", BindMode.READ_ONLY);
        // One PyTorch thread and a small heap: eight JVMs share two cores here.
        withEnv("JAVA_TOOL_OPTIONS", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1");
        waitingFor(Wait.forLogMessage(".* running; Ctrl-C stops it.*", 1).withStartupTimeout(Duration.ofMinutes(6)));
        Loopback.only(this);
    }

    /** {@code kd teacher train} of a small MLP into {@code folder} (seconds, not the reference CNN's minutes). */
    public static void trainTeacher(KafkaCluster cluster, Path folder) {
        KdService train = new KdService("teacher-train", 9401,
                List.of("teacher", "train", "--architecture", "mlp:784-128-10", "--epochs", "1", "--dir", "/kd/teacher"))
                .withNetwork(cluster.network())
                .withFileSystemBind(folder.toString(), "/kd/teacher", BindMode.READ_WRITE)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(15)));
        // Nothing to wait for but the exit, which the one-shot check does.
        train.waitingFor(new AbstractWaitStrategy() {
            @Override
            protected void waitUntilReady() {
            }
        });
        try {
            train.start();
        } finally {
            Docker.remove(train);
        }
    }

    public static KdService teacher(KafkaCluster cluster, String instance, Path teacherDir) {
        return new KdService(instance, 9401, serve("teacher", cluster, "serve", "--set", "instance.id=" + instance,
                "--set", "teacher.dir=/kd/teacher"))
                .withNetwork(cluster.network())
                .withFileSystemBind(teacherDir.toString(), "/kd/teacher", BindMode.READ_ONLY);
    }

    public static KdService trainer(KafkaCluster cluster) {
        return new KdService("trainer", 9402, serve("trainer", cluster, null, "--set", "checkpoint.interval.ms=2000",
                "--set", "device=cpu", "--set", "holdout.key=" + Ledger.HOLDOUT_KEY))
                .withNetwork(cluster.network());
    }

    /** A gateway that copies nothing to kd-traffic, so that the test alone decides what the teacher labels. */
    public static KdService gateway(KafkaCluster cluster, String instance) {
        return new KdService(instance, 8080, serve("gateway", cluster, null, "--set", "shadow.fraction=0",
                "--set", "device=cpu"))
                .withNetwork(cluster.network());
    }

    private static List<String> serve(String role, KafkaCluster cluster, String sub, String... settings) {
        List<String> command = new ArrayList<>(List.of(role));
        if (sub != null) {
            command.add(sub);
        }
        command.addAll(List.of("--bootstrap", cluster.internalBootstrap()));
        // A killed member's partitions move on after 10 s rather than the default 45 s.
        command.addAll(List.of("--set", "kafka.session.timeout.ms=10000"));
        command.addAll(List.of(settings));
        return command;
    }

    public String name() {
        return name;
    }

    /** The service's HTTP port (metrics; the gateway's API) as the test JVM reaches it. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + getMappedPort(httpPort) + path);
    }

    /** Whether GET {@code path} answers 200 now. */
    public boolean answers(String path) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** SIGKILL: no shutdown hook, no transaction aborted or checkpoint flushed. */
    public void kill() {
        Docker.kill(getContainerId());
    }

    /** {@code docker start} after a kill or stop: the same container, command and instance id. */
    public void restart() {
        Docker.start(getContainerId());
    }

    /** {@code docker stop}: SIGTERM, then the shutdown hook closes the service. */
    public void stopGracefully() {
        getDockerClient().stopContainerCmd(getContainerId()).withTimeout(30).exec();
    }

    public void remove() {
        Docker.remove(this);
    }
}

package io.kdstream.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kd broker}: the embedded single-node KRaft broker alone, for running the services as separate processes. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a single-node KRaft Kafka broker in this process (Kafka's own server code, loopback only).")
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = "${sys:user.home}/.kd/broker", description = "Data folder, kept across restarts (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the request-id keyed topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port, false);
        broker.createTopics(Topics.DEFAULT.definitions(partitions, (short) 1));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kd-broker-shutdown"));
        System.out.println("Kafka broker listening on " + broker.bootstrapServers() + " (data in " + data + "); Ctrl-C stops it.");
        stopped.await();
        return 0;
    }
}

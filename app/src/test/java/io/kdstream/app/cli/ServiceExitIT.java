package io.kdstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kdstream.app.Kd;
import io.kdstream.broker.EmbeddedKafkaBroker;
import io.kdstream.core.kafka.KafkaClients;
import io.kdstream.core.kafka.Topics;
import io.kdstream.core.testing.Eventually;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The service commands exit non-zero when their service can no longer go on, so that a supervisor restarts them. */
class ServiceExitIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldExitNonZeroWhenTheTrainerIsFenced() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            broker.createTopics(Topics.DEFAULT.definitions(1, (short) 1));
            String bootstrap = broker.bootstrapServers();
            int port = freePort();

            // given `kd trainer` running, live and ready on its metrics port
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Kd.commandLine().execute("trainer",
                    "--bootstrap", bootstrap, "--set", "metrics.port=" + port, "--set", "device=cpu",
                    "--set", "transactional.id=kd-trainer-exit-it", "--set", "checkpoint.interval.ms=300"));
            Eventually.await("the trainer to be ready", TIMEOUT, () -> status(port, "/health/ready"), code -> code == 200);
            assertThat(status(port, "/health/live")).isEqualTo(200);

            // when another producer takes over its transactional id, and a record makes it write
            try (KafkaProducer<byte[], byte[]> newer = new KafkaProducer<>(KafkaClients.transactionalProducer(
                    Map.of("bootstrap.servers", bootstrap), "usurper", "kd-trainer-exit-it"))) {
                newer.initTransactions();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(
                    Map.of("bootstrap.servers", bootstrap), "garbage"))) {
                producer.send(new ProducerRecord<>(Topics.DEFAULT.softLabels(), "junk".getBytes(), new byte[]{1, 2, 3})).get();
            }

            // then the command exits with the fenced status
            assertThat(exit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ServiceRunner.EXIT_FENCED);
        }
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

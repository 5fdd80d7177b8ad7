package io.kdstream.app.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.GatewayTrafficSink;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.app.replay.TrafficSink;
import io.kdstream.core.data.FashionMnist;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kd replay}: Fashion-MNIST training images onto kd-traffic at a chosen rate, optionally drifting. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Stream Fashion-MNIST training images onto the traffic topic at a chosen rate.")
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    SettingsOptions settings;

    @Option(names = "--rate", defaultValue = "500", description = "Events per second; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", defaultValue = "0", description = "Events to send, then stop; 0 = forever (default ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--topic", defaultValue = "kd-traffic", description = "Traffic topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--drift", defaultValue = "none@0s", paramLabel = "KIND@TIME",
            description = "Change the traffic mid-stream: invert@60s (inverted images) or classmix@60s (only classes 0-2).")
    String drift;

    @Option(names = "--via-gateway", paramLabel = "URL",
            description = "Send the images as client requests to this gateway (e.g. http://127.0.0.1:8080) instead of onto the topic; "
                    + "their true labels follow on the ground-truth topic.")
    String gatewayUrl;

    @Option(names = "--ground-truth-topic", defaultValue = "kd-ground-truth", description = "With --via-gateway (default ${DEFAULT-VALUE}).")
    String groundTruthTopic;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> kafka = settings.kafkaClientSettings();
        TrafficSink sink = gatewayUrl == null
                ? new KafkaTrafficSink(kafka, topic, "kd-replay")
                : new GatewayTrafficSink(gatewayUrl, kafka, groundTruthTopic, "kd-replay-ground-truth");
        try (Replay replay = new Replay(sink, FashionMnist.load(FashionMnist.Split.TRAIN), rate, count, Drift.parse(drift))) {
            Runtime.getRuntime().addShutdownHook(new Thread(replay::close, "kd-replay-shutdown"));
            replay.start();
            System.out.printf("Replaying Fashion-MNIST %s at %s events/s%n",
                    gatewayUrl == null ? "onto " + topic : "through " + gatewayUrl, rate == 0 ? "max" : rate);
            replay.awaitDone();
            System.out.printf("Sent %d events%n", replay.sent());
        }
        return 0;
    }
}

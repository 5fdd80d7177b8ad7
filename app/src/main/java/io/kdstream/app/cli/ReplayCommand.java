package io.kdstream.app.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.kdstream.app.data.TaskData;
import io.kdstream.app.replay.Drift;
import io.kdstream.app.replay.GatewayTrafficSink;
import io.kdstream.app.replay.KafkaTrafficSink;
import io.kdstream.app.replay.Replay;
import io.kdstream.app.replay.ReplaySource;
import io.kdstream.app.replay.TrafficSink;
import io.kdstream.core.data.BadRowPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kd replay}: a task's examples onto kd-traffic at a chosen rate, optionally drifting: Fashion-MNIST images,
 * the generated tabular stream, or the rows of a CSV or JSON Lines file.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Stream a task's examples onto the traffic topic at a chosen rate: Fashion-MNIST training images (default), "
                + "the generated tabular-rbf stream, or a CSV / JSON Lines file.")
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    SettingsOptions settings;

    @Mixin
    TaskOptions taskOptions;

    @Option(names = "--file", paramLabel = "FILE",
            description = "Replay this .csv or .jsonl file (optionally .gz) once, a row at a time, instead of the task's built-in data.")
    Path file;

    @Option(names = "--bad-rows", defaultValue = "skip", paramLabel = "skip|stop",
            description = "A --file row that does not fit the task: skip it and count it, or stop (default ${DEFAULT-VALUE}).")
    String badRows;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of a generated stream (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", defaultValue = "500", description = "Events per second; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", defaultValue = "0",
            description = "Events to send, then stop; 0 = until a file ends, forever otherwise (default ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--topic", defaultValue = "kd-traffic", description = "Traffic topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--drift", defaultValue = "none@0s", paramLabel = "KIND@TIME",
            description = "Change the traffic mid-stream, labels unchanged: invert@60s (inverted inputs, bounded tasks) or classmix@60s "
                    + "(only classes 0-2) for any task; noise, brightness, contrast, blur or rotation@60s (MNIST-C style image "
                    + "corruptions); covariate@60s (the generated tabular stream moves to other centres) or rescale@60s (the "
                    + "first feature x10, as after an upstream unit change) for vectors.")
    String drift;

    @Option(names = "--via-gateway", paramLabel = "URL",
            description = "Send the examples as client requests to this gateway (e.g. http://127.0.0.1:8080) instead of onto the topic; "
                    + "their true labels follow on the ground-truth topic.")
    String gatewayUrl;

    @Option(names = "--ground-truth-topic", defaultValue = "kd-ground-truth", description = "With --via-gateway (default ${DEFAULT-VALUE}).")
    String groundTruthTopic;

    @Override
    public Integer call() throws InterruptedException {
        TaskData data = taskOptions.data();
        Drift parsedDrift = Drift.parse(drift);
        ReplaySource source = data.replay(file, badRowPolicy(badRows), seed);
        Map<String, Object> kafka = settings.kafkaClientSettings();
        TrafficSink sink = gatewayUrl == null
                ? new KafkaTrafficSink(kafka, topic, "kd-replay")
                : new GatewayTrafficSink(gatewayUrl, kafka, groundTruthTopic, "kd-replay-ground-truth");
        try (Replay replay = new Replay(sink, source, rate, count, parsedDrift)) {
            Runtime.getRuntime().addShutdownHook(new Thread(replay::close, "kd-replay-shutdown"));
            replay.start();
            System.out.printf("Replaying task %s from %s %s at %s events/s%n", data.task().name(),
                    file == null ? "its built-in data" : file, gatewayUrl == null ? "onto " + topic : "through " + gatewayUrl,
                    rate == 0 ? "max" : rate);
            replay.awaitDone();
            System.out.printf("Sent %d events%s%n", replay.sent(),
                    source.skipped() == 0 ? "" : String.format(Locale.ROOT, "; skipped %d bad row(s)", source.skipped()));
            source.skippedProblems().forEach(problem -> System.err.println("kd: skipped " + problem));
            if (source.skipped() > source.skippedProblems().size()) {
                System.err.printf("kd: ... and %d more bad row(s)%n", source.skipped() - source.skippedProblems().size());
            }
            if (replay.failure() != null) {
                System.err.println("kd: replay stopped: " + replay.failure().getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    static BadRowPolicy badRowPolicy(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "skip" -> BadRowPolicy.SKIP;
            case "stop" -> BadRowPolicy.STOP;
            default -> throw new IllegalArgumentException("--bad-rows '" + text + "' is unknown; expected skip or stop");
        };
    }
}

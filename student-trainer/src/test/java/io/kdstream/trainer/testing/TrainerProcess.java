package io.kdstream.trainer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.trainer.StudentTrainer;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A student trainer in a JVM of its own, so that a test can kill it with SIGKILL. {@link #main} takes the trainer's
 * settings as {@code key=value} arguments, prints {@value #STARTED} once the trainer runs, and trains until killed.
 */
public final class TrainerProcess implements AutoCloseable {

    public static final String STARTED = "TRAINER STARTED";

    private final Process process;
    private final Path log;

    private TrainerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts a child JVM with this JVM's class path and the given trainer settings. */
    public static TrainerProcess start(Map<String, String> settings, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), TrainerProcess.class.getName()));
        settings.forEach((key, value) -> command.add(key + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new TrainerProcess(process, log);
    }

    public boolean started() {
        return output().contains(STARTED);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no final checkpoint, an open transaction left behind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> settings = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            settings.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        StudentTrainer trainer = new StudentTrainer(new TrainerConfig(settings), new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(trainer::close));
        trainer.start();
        System.out.println(STARTED);
        System.out.flush();
        while (trainer.state() == StudentTrainer.State.RUNNING) {
            Thread.sleep(200);
        }
        System.out.println("trainer ended " + trainer.state() + " " + trainer.failure().map(Throwable::toString).orElse(""));
    }
}

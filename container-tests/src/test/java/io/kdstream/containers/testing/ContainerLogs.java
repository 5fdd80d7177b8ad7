package io.kdstream.containers.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.testcontainers.containers.GenericContainer;

/** Keeps each container's output under target/container-logs, written before the container is removed. */
public final class ContainerLogs {

    public static final Path FOLDER = Path.of("target", "container-logs");

    private ContainerLogs() {
    }

    public static void save(String testName, String containerName, GenericContainer<?> container) {
        try {
            if (container.getContainerId() == null) {
                return;
            }
            Files.createDirectories(FOLDER);
            Files.writeString(FOLDER.resolve(testName + "-" + containerName + ".log"), container.getLogs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // the container is gone: nothing to keep
        }
    }
}

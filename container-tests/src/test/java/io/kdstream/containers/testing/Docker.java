package io.kdstream.containers.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** The Docker calls the faults need, on containers Testcontainers started. */
public final class Docker {

    private Docker() {
    }

    /** {@code docker kill}: SIGKILL, no shutdown hook runs. */
    public static void kill(String containerId) {
        DockerClientFactory.instance().client().killContainerCmd(containerId).withSignal("KILL").exec();
    }

    /** {@code docker start} of a stopped or killed container: same file system, same command. */
    public static void start(String containerId) {
        DockerClientFactory.instance().client().startContainerCmd(containerId).exec();
    }

    /**
     * Stops and removes a container and its anonymous volumes. Ryuk is off (its image cannot be pulled here), so
     * this is what keeps a test from leaving containers behind; it tolerates containers already gone.
     */
    public static void remove(GenericContainer<?> container) {
        try {
            String id = container.getContainerId();
            if (id != null) {
                DockerClientFactory.instance().client().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            }
        } catch (RuntimeException e) {
            // already removed
        }
        try {
            container.stop();
        } catch (RuntimeException e) {
            // already removed
        }
    }
}

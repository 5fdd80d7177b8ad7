package io.kdstream.containers.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.containers.GenericContainer;

/**
 * Publishes a container's exposed ports on 127.0.0.1 only, each at a host port fixed for the container's life.
 * Docker's default binds 0.0.0.0 (every address of the machine), and picks new host ports when a killed container
 * is started again, which would break the listener a broker advertised before the kill.
 */
public final class Loopback {

    private Loopback() {
    }

    public static <T extends GenericContainer<T>> T only(T container) {
        return container.withCreateContainerCmdModifier(cmd -> {
            Ports ports = new Ports();
            for (ExposedPort exposed : cmd.getExposedPorts()) {
                ports.add(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", freePort()), exposed));
            }
            cmd.getHostConfig().withPortBindings(ports);
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

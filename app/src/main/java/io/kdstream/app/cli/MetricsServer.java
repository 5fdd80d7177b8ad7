package io.kdstream.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kdstream.core.service.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Serves a Prometheus registry at {@code /metrics}, and the service's {@link Health} at {@code /health/live} and
 * {@code /health/ready} (200 or 503 with a JSON body), for the services without an HTTP API of their own (teacher,
 * trainer, monitor). The gateway serves the same paths on its own port instead.
 */
public final class MetricsServer implements AutoCloseable {

    private final HttpServer server;

    public MetricsServer(int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on metrics port " + port + " (set metrics.port to a free port)", e);
        }
        server.createContext("/metrics", exchange ->
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health/live", exchange -> sendHealth(exchange, health.get(), false));
        server.createContext("/health/ready", exchange -> sendHealth(exchange, health.get(), true));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void sendHealth(HttpExchange exchange, Health health, boolean readiness) throws IOException {
        send(exchange, health.httpStatus(readiness), "application/json", health.toJson());
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}

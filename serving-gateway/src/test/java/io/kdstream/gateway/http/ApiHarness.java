package io.kdstream.gateway.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.kdstream.core.metrics.CommonMetrics;
import io.kdstream.gateway.Gateway;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.batching.MicroBatcher;
import io.kdstream.gateway.models.ModelManager;
import io.kdstream.gateway.models.ModelSlot;
import io.kdstream.gateway.models.PromotionGates;
import io.kdstream.gateway.traffic.AnswerCopier;
import io.kdstream.schemas.ServingDecision;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The HTTP API over a real socket on a free port, with a real model manager and batcher, and Kafka's MockProducer. */
final class ApiHarness implements AutoCloseable {

    static final String TOKEN = "0123456789abcdef-test-token";
    static final int MAX_BODY = 64 * 1024;
    static final int MAX_ROWS = 50;

    /** An answer: status, content type, and the body parsed as JSON. */
    record Reply(int status, String contentType, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final PrometheusMeterRegistry registry = CommonMetrics.prometheusRegistry();
    final GatewayMetrics metrics = new GatewayMetrics(registry);
    final ModelManager models;
    final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    /** The admin decisions the API kept, in order (the Gateway writes them to the checkpoint topic). */
    final List<ServingDecision> decisions = new CopyOnWriteArrayList<>();
    private final MicroBatcher batcher;
    private final AnswerCopier copier;
    private final Javalin app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    /** Makes the harness's micro-batcher, so a test can give it a model call that fails. */
    @FunctionalInterface
    interface BatcherFactory {
        MicroBatcher create(ModelSlot slot, GatewayMetrics metrics);
    }

    ApiHarness(String adminToken) {
        this(adminToken, (slot, metrics) -> new MicroBatcher(slot, 8, Duration.ofMillis(1), 64, metrics));
    }

    ApiHarness(String adminToken, BatcherFactory batchers) {
        ModelSlot slot = new ModelSlot();
        models = new ModelManager(new PromotionGates(0.6, 0.05, Device.cpu()), slot, 3, metrics);
        batcher = batchers.create(slot, metrics);
        copier = new AnswerCopier(producer, "kd-traffic", "kd-predictions", 0.5, 1.0, 128, metrics);
        app = new HttpApi(models, batcher, copier, registry, metrics, adminToken, "student", Duration.ofSeconds(10),
                MAX_BODY, MAX_ROWS, () -> Gateway.health(null, batcher, models), decisions::add).create();
        batcher.start();
        copier.start();
        app.start("127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + app.port());
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Reply post(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    Reply postJson(String path, String json, String... headers) {
        return post(path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = type.startsWith("application/json") ? JSON.readTree(response.body())
                    : JSON.getNodeFactory().textNode(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), type, body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI base() {
        return base;
    }

    /** Every registered route as {@code "METHOD /path"}, before and after filters left out. */
    java.util.Set<String> routes() {
        java.util.Set<String> routes = new java.util.TreeSet<>();
        for (io.javalin.router.ParsedEndpoint route : app.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            if (route.getEndpoint().getMethod().isHttpMethod()) {
                routes.add(route.getEndpoint().getMethod().name() + " " + route.getEndpoint().getPath());
            }
        }
        return routes;
    }

    @Override
    public void close() {
        app.stop();
        batcher.close();
        copier.close();
        models.close();
    }
}

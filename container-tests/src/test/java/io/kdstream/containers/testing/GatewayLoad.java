package io.kdstream.containers.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.kdstream.core.data.LabeledImages;

/**
 * A client of two gateways, as behind a load balancer: each request goes to the next gateway in turn and, when that
 * one does not answer 200, to the other one. "The gateway answered throughout" means {@link #unanswered()} stays 0;
 * what each gateway failed is counted apart, so a test can also see that a restart was felt.
 */
public final class GatewayLoad implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<Supplier<URI>> gateways;
    private final LabeledImages images;
    private final long pauseMillis;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final ConcurrentHashMap<Integer, AtomicLong> failedBy = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastFailure = "";

    /** {@code gateways} give each gateway's predict URI now (a restarted container keeps its loopback port). */
    public GatewayLoad(List<Supplier<URI>> gateways, LabeledImages images, long pauseMillis) {
        this.gateways = gateways;
        this.images = images;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, "gateway-load");
        this.thread.setDaemon(true);
    }

    public GatewayLoad start() {
        thread.start();
        return this;
    }

    public long answered() {
        return answered.get();
    }

    /** Requests neither gateway answered with 200. */
    public long unanswered() {
        return unanswered.get();
    }

    public long failedBy(int gateway) {
        return failedBy.getOrDefault(gateway, new AtomicLong()).get();
    }

    public String lastFailure() {
        return lastFailure;
    }

    private void run() {
        long i = 0;
        while (running) {
            String body = body((int) (i % images.count()));
            int first = (int) (i % gateways.size());
            boolean ok = false;
            for (int k = 0; k < gateways.size() && !ok; k++) {
                int g = (first + k) % gateways.size();
                ok = predict(g, body);
            }
            (ok ? answered : unanswered).incrementAndGet();
            i++;
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean predict(int gateway, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(gateways.get(gateway).get())
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().contains("\"modelVersion\"")) {
                return true;
            }
            lastFailure = "gateway " + gateway + ": " + response.statusCode() + " " + response.body();
        } catch (Exception e) {
            lastFailure = "gateway " + gateway + ": " + e;
        }
        failedBy.computeIfAbsent(gateway, g -> new AtomicLong()).incrementAndGet();
        return false;
    }

    private String body(int index) {
        byte[] pixels = images.image(index);
        StringBuilder json = new StringBuilder(pixels.length * 6).append("{\"input\": [");
        for (int p = 0; p < pixels.length; p++) {
            json.append(p == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.4f", (pixels[p] & 0xff) / 255.0));
        }
        return json.append("]}").toString();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
    }
}

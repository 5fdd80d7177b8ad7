package io.kdstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kdstream.gateway.batching.Batchers;
import io.kdstream.gateway.testing.TestCheckpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests meant to hurt the gateway get a 4xx naming the limit, quickly, and the gateway keeps answering. */
class HostileRequestTest {

    private static ApiHarness api;

    @BeforeAll
    static void startApi() {
        api = new ApiHarness(ApiHarness.TOKEN);
        byte[] weights = TestCheckpoints.trainedWeights();
        api.models.offer(TestCheckpoints.manifest("student", 1, weights, 0.8f), weights);
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @Test
    void shouldAnswer413ToAChunkedBodyOverTheLimitWithoutReadingItWhole() throws Exception {
        // given a chunked body far over the harness's 64 KiB limit whose end never comes: a gateway that reads bodies
        // whole would wait for it for ever
        long started = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", api.base().getPort())) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            CompletableFuture<String> statusLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readLine();
                } catch (IOException e) {
                    return "read failed: " + e;
                }
            });
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            try {
                for (int sent = 0; sent < 16; sent++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    chunk[0] = ' ';
                }
            } catch (IOException closedByTheGateway) {
                // the gateway answered and closed the connection before the body ended: what we want
            }

            // when the first MiB has been sent, then the answer is 413, quickly, without the rest of the body
            assertThat(statusLine.get(15, TimeUnit.SECONDS)).startsWith("HTTP/1.1 413");
        }
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(15);
        assertThat(api.get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseDeeplyNestedJsonAs400NamingTheLimit() {
        // 30,000 levels fit the harness's 64 KiB body limit; with the default 8 MiB limit 100,000 levels get the same 400
        String deep = "{\"input\": " + "[".repeat(30_000) + "]".repeat(30_000) + "}";

        ApiHarness.Reply reply = api.postJson("/v1/predict", deep);

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
        assertThat(reply.body().get("error").asText()).isEqualTo("too-deep");
        assertThat(reply.body().get("detail").asText()).contains("nesting depth").doesNotContain("Exception");
    }

    @Test
    void shouldRefuseAHundredThousandNestedLevelsAs400WhateverTheBodyLimit() {
        byte[] deep = ("{\"input\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.readObject(deep, Json.mapper(), "{}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error()).isEqualTo("too-deep");
                    assertThat(e.detail()).contains("nesting depth limit of " + Json.MAX_NESTING_DEPTH);
                });
    }

    @Test
    void shouldRefuseMoreRowsThanTheCapNamingTheLimitOnBothProtocols() {
        String rows = String.join(",", java.util.Collections.nCopies(ApiHarness.MAX_ROWS + 1, "[0.5]"));

        ApiHarness.Reply v1 = api.postJson("/v1/predict", "{\"inputs\": [" + rows + "]}");
        ApiHarness.Reply v2 = api.postJson("/v2/models/student/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": ["
                + (ApiHarness.MAX_ROWS + 1) + ", 784], \"datatype\": \"FP32\", \"data\": []}]}");

        assertThat(v1.status()).isEqualTo(413);
        assertThat(v1.body().get("error").asText()).isEqualTo("too-many-rows");
        assertThat(v1.body().get("detail").asText()).contains("51 inputs but http.max.rows is 50");
        assertThat(v2.status()).isEqualTo(413);
        assertThat(v2.body().get("error").asText()).startsWith("too-many-rows: ").contains("http.max.rows is 50");
    }

    @Test
    void shouldSplitARequestLargerThanBatchMaxIntoModelCallsOfAtMostBatchMax() {
        // given the harness's batch.max of 8 and a request of 20 inputs (blank images, to fit the 64 KiB body limit)
        String image = "[" + String.join(",", java.util.Collections.nCopies(784, "0")) + "]";
        String rows = String.join(",", java.util.Collections.nCopies(20, image));
        double before = api.registry.get("kd.gateway.batch.size").summary().count();

        ApiHarness.Reply reply = api.postJson("/v1/predict", "{\"inputs\": [" + rows + "]}");

        // then every input is answered, and no model call held more than 8
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        assertThat(reply.body().get("predictions")).hasSize(20);
        assertThat(api.registry.get("kd.gateway.batch.size").summary().count() - before).isGreaterThanOrEqualTo(3);
        assertThat(api.registry.get("kd.gateway.batch.size").summary().max()).isLessThanOrEqualTo(8);
    }

    @Test
    void shouldAnswer500WithoutInternalsWhenTheModelCallFails() {
        try (ApiHarness failing = new ApiHarness("", (slot, metrics) -> Batchers.throwing(slot, metrics,
                new IllegalStateException("secret internal state")))) {
            serve(failing);

            ApiHarness.Reply reply = failing.postJson("/v1/predict", "{\"input\": " + java.util.Arrays.toString(TestCheckpoints.image(0)) + "}");

            assertThat(reply.status()).isEqualTo(500);
            assertThat(reply.body().get("error").asText()).isEqualTo("internal");
            assertThat(reply.body().get("detail").asText()).contains("incident")
                    .doesNotContain("Exception").doesNotContain("secret").doesNotContain("java.");
        }
    }

    @Test
    void shouldRefuseNonFiniteOutputsAsA5xxCountedInAMetricNeverAsAnAnswer() {
        try (ApiHarness broken = new ApiHarness("", Batchers::answeringNaN)) {
            serve(broken);

            ApiHarness.Reply reply = broken.postJson("/v1/predict", "{\"inputs\": [" + java.util.Arrays.toString(TestCheckpoints.image(0))
                    + "," + java.util.Arrays.toString(TestCheckpoints.image(1)) + "]}");

            assertThat(reply.status()).isEqualTo(500);
            assertThat(reply.body().get("error").asText()).isEqualTo("non-finite-output");
            assertThat(reply.body().has("predictions")).isFalse();
            assertThat(broken.registry.get("kd.gateway.nonfinite.outputs").counter().count()).isEqualTo(2);
            assertThat(broken.get("/metrics").body().asText()).contains("kd_gateway_nonfinite_outputs_total 2.0");
        }
    }

    @Test
    void shouldTurnReadinessAndLivenessFalseWhenTheModelWorkerDiesOfAnError() {
        try (ApiHarness dying = new ApiHarness("", (slot, metrics) -> Batchers.throwing(slot, metrics, new OutOfMemoryError("test")))) {
            serve(dying);
            assertThat(dying.get("/health/ready").status()).isEqualTo(200);

            ApiHarness.Reply reply = dying.postJson("/v1/predict", "{\"input\": " + java.util.Arrays.toString(TestCheckpoints.image(0)) + "}");

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.body().get("detail").asText()).doesNotContain("OutOfMemoryError");
            io.kdstream.core.testing.Eventually.await("readiness false", java.time.Duration.ofSeconds(10),
                    () -> dying.get("/health/ready").status(), status -> status == 503);
            ApiHarness.Reply ready = dying.get("/health/ready");
            assertThat(ready.body().get("detail").asText()).contains("model worker stopped");
            assertThat(dying.get("/v2/health/ready").status()).isEqualTo(503);
            // a gateway that can no longer answer is not live either: `kd gateway` exits so that a supervisor restarts it
            ApiHarness.Reply live = dying.get("/health/live");
            assertThat(live.status()).isEqualTo(503);
            assertThat(live.body().get("live").asBoolean()).isFalse();
            assertThat(dying.get("/v2/health/live").status()).isEqualTo(503);
            assertThat(dying.postJson("/v1/predict", "{\"input\": " + java.util.Arrays.toString(TestCheckpoints.image(0)) + "}").body()
                    .get("error").asText()).isEqualTo("worker-stopped");
        }
    }

    private static void serve(ApiHarness harness) {
        byte[] weights = TestCheckpoints.trainedWeights();
        harness.models.offer(TestCheckpoints.manifest("student", 1, weights, 0.8f), weights);
    }
}

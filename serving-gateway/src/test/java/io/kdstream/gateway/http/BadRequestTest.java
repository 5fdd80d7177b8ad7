package io.kdstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import io.kdstream.gateway.testing.TestCheckpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad request gets its status and a JSON body whose error code and detail name the problem. */
class BadRequestTest {

    /** Who did an admin action and why: every admin call must say. */
    private static final String AUDIT = "{\"by\": \"alice\", \"reason\": \"testing\"}";

    private static ApiHarness api;
    private static ApiHarness apiWithoutAdmin;

    @BeforeAll
    static void startApis() {
        api = new ApiHarness(ApiHarness.TOKEN);
        byte[] weights = TestCheckpoints.trainedWeights();
        api.models.offer(TestCheckpoints.manifest("student", 1, weights, 0.8f), weights);
        apiWithoutAdmin = new ApiHarness("");
    }

    @AfterAll
    static void stopApis() {
        api.close();
        apiWithoutAdmin.close();
    }

    /** A request and what must come back. */
    record Case(String name, ApiCall call, int status, String error, String detailContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface ApiCall {
        ApiHarness.Reply send(ApiHarness api);
    }

    static Stream<Arguments> cases() {
        String bearer = "Bearer " + ApiHarness.TOKEN;
        return Stream.of(
                new Case("wrong shape", a -> a.postJson("/v1/predict", "{\"input\": [0.1, 0.2, 0.3]}"),
                        400, "bad-shape", "input has shape [3] but must be uint8 [1, 28, 28] (784 values in 0.0..1.0, flat or nested as [1, 28, 28])"),
                new Case("ragged 28x28", a -> a.postJson("/v1/predict", "{\"input\": " + grid(27) + "}"),
                        400, "bad-shape", "input[1] has 28 values where its siblings have 27"),
                new Case("batch with a wrong row", a -> a.postJson("/v1/predict", "{\"inputs\": [" + flat(784, "0.5") + ", [1]]}"),
                        400, "bad-shape", "inputs[1] has shape [1] but must be uint8 [1, 28, 28]"),
                new Case("empty batch", a -> a.postJson("/v1/predict", "{\"inputs\": []}"),
                        400, "bad-shape", "non-empty array"),
                new Case("NaN", a -> a.postJson("/v1/predict", "{\"input\": " + flatWith(784, 5, "NaN") + "}"),
                        400, "not-finite", "input[5] is NaN"),
                new Case("Infinity", a -> a.postJson("/v1/predict", "{\"input\": " + flatWith(784, 7, "-Infinity") + "}"),
                        400, "not-finite", "input[7] is -Infinity"),
                new Case("overflowing number", a -> a.postJson("/v1/predict", "{\"input\": " + flatWith(784, 9, "1e999") + "}"),
                        400, "not-finite", "input[9] is Infinity"),
                new Case("pixel scale", a -> a.postJson("/v1/predict", "{\"input\": " + flatWith(784, 3, "255") + "}"),
                        400, "out-of-range", "input[3] is 255.0 but values must lie in 0.0..1.0 (divide 0-255 pixel values by 255)"),
                new Case("string value", a -> a.postJson("/v1/predict", "{\"input\": " + flatWith(784, 0, "\"x\"") + "}"),
                        400, "not-a-number", "input[0] must be a number but is the string \"x\""),
                new Case("missing field", a -> a.postJson("/v1/predict", "{\"image\": [0.1]}"),
                        400, "missing-field", "expected a field 'input' (one example) or 'inputs' (a batch) but found only 'image'"),
                new Case("both fields", a -> a.postJson("/v1/predict", "{\"input\": [], \"inputs\": []}"),
                        400, "ambiguous-input", "not several"),
                new Case("not an object", a -> a.postJson("/v1/predict", "[0.1, 0.2]"),
                        400, "not-an-object", "but found an array of 2"),
                new Case("non-JSON", a -> a.postJson("/v1/predict", "input=0.1,0.2"),
                        400, "not-json", "not valid JSON"),
                new Case("empty body", a -> a.postJson("/v1/predict", ""),
                        400, "empty-body", "the body is empty"),
                new Case("bad request id", a -> a.postJson("/v1/predict", "{\"requestId\": 42, \"input\": " + flat(784, "0") + "}"),
                        400, "bad-request-id", "requestId must be a non-blank string"),
                new Case("body over the limit", a -> a.postJson("/v1/predict", "{\"inputs\": [" + String.join(",",
                                java.util.Collections.nCopies(40, flat(784, "0.25"))) + "]}"),
                        413, "body-too-large", "http.max.body.bytes = " + ApiHarness.MAX_BODY),
                new Case("wrong content type", a -> a.post("/v1/predict", "text/plain", single().getBytes(StandardCharsets.UTF_8)),
                        415, "unsupported-media-type", "expected Content-Type application/json but found text/plain"),
                new Case("no content type", a -> a.post("/v1/predict", null, single().getBytes(StandardCharsets.UTF_8)),
                        415, "unsupported-media-type", "but found none"),
                new Case("unknown route", a -> a.get("/v1/nothing-here"),
                        404, "not-found", "no route GET /v1/nothing-here"),
                new Case("wrong method", a -> a.get("/v1/predict"),
                        404, "not-found", "no route GET /v1/predict"),
                new Case("rollback without token", a -> a.postJson("/v1/models/rollback", ""),
                        401, "unauthorized", "Authorization: Bearer"),
                new Case("rollback with another scheme", a -> a.postJson("/v1/models/rollback", "", "Authorization", "Basic abc"),
                        401, "unauthorized", "a different scheme"),
                new Case("rollback with a wrong token", a -> a.postJson("/v1/models/rollback", "", "Authorization", "Bearer wrong-token-wrong-token"),
                        403, "forbidden", "does not match admin.token"),
                new Case("rollback with nothing to roll back to", a -> a.postJson("/v1/models/rollback", AUDIT, "Authorization", bearer),
                        409, "nothing-to-roll-back-to", "version 1 is served and no earlier good version is retained"),
                new Case("rollback without saying who", a -> a.postJson("/v1/models/rollback", "{\"reason\": \"bad\"}", "Authorization", bearer),
                        400, "bad-audit", "'by' must be a non-blank string"),
                new Case("rollback without saying why", a -> a.postJson("/v1/models/rollback", "{\"by\": \"alice\", \"reason\": \" \"}",
                                "Authorization", bearer),
                        400, "bad-audit", "'reason' must be a non-blank string"),
                new Case("pin an unknown version", a -> a.postJson("/v1/models/pin", "{\"version\": 99, " + AUDIT.substring(1), "Authorization", bearer),
                        409, "not-retained", "version 99 cannot be pinned"),
                new Case("pin without a version", a -> a.postJson("/v1/models/pin", "{\"v\": 1}", "Authorization", bearer),
                        400, "bad-version", "'version' is missing"),
                new Case("unpin when nothing is pinned", a -> a.send(java.net.http.HttpRequest.newBuilder(a.base().resolve("/v1/models/pin"))
                                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(AUDIT))
                                .header("Content-Type", "application/json").header("Authorization", bearer)),
                        409, "not-pinned", "no version is pinned")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldAnswerABadRequestWithItsStatusAndAJsonBodyNamingTheProblem(Case badCase) {
        ApiHarness.Reply reply = badCase.call().send(api);

        assertThat(reply.status()).as(badCase.name() + ": " + reply.body()).isEqualTo(badCase.status());
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.body().get("error").asText()).isEqualTo(badCase.error());
        assertThat(reply.body().get("detail").asText()).contains(badCase.detailContains());
    }

    @org.junit.jupiter.api.Test
    void shouldAnswer404ForAdminRoutesWhenNoTokenIsConfigured() {
        ApiHarness.Reply reply = apiWithoutAdmin.postJson("/v1/models/rollback", "", "Authorization", "Bearer anything-anything");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.body().get("error").asText()).isEqualTo("admin-off");
        assertThat(reply.body().get("detail").asText()).contains("set admin.token");
    }

    @org.junit.jupiter.api.Test
    void shouldCountClientErrorsSeparatelyFromAnswers() {
        ApiHarness api = BadRequestTest.api;
        long before = api.registry.get("kd.gateway.request").tag("outcome", "client_error").timer().count();

        api.postJson("/v1/predict", "{\"input\": [1]}");

        assertThat(api.registry.get("kd.gateway.request").tag("outcome", "client_error").timer().count()).isEqualTo(before + 1);
    }

    private static String single() {
        return "{\"input\": " + flat(784, "0.5") + "}";
    }

    private static String flat(int n, String value) {
        String[] values = new String[n];
        Arrays.fill(values, value);
        return "[" + String.join(",", values) + "]";
    }

    private static String flatWith(int n, int index, String odd) {
        String[] values = new String[n];
        Arrays.fill(values, "0.5");
        values[index] = odd;
        return "[" + String.join(",", values) + "]";
    }

    private static String grid(int firstRowLength) {
        StringBuilder out = new StringBuilder("[");
        for (int r = 0; r < 28; r++) {
            out.append(r == 0 ? "" : ",").append(flat(r == 0 ? firstRowLength : 28, "0.5"));
        }
        return out.append("]").toString();
    }
}

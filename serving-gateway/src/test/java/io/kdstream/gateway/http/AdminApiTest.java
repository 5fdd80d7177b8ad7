package io.kdstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.gateway.testing.TestCheckpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminApiTest {

    private static final String[] AUTH = {"Authorization", "Bearer " + ApiHarness.TOKEN};
    private ApiHarness api;

    @BeforeEach
    void startApi() {
        api = new ApiHarness(ApiHarness.TOKEN);
        byte[] weights = TestCheckpoints.trainedWeights();
        api.models.offer(TestCheckpoints.manifest("student", 1, weights, 0.8f), weights);
        api.models.offer(TestCheckpoints.manifest("student", 2, weights, 0.5f), weights);
        api.models.offer(TestCheckpoints.manifest("student", 3, weights, 0.81f), weights);
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void shouldListRecentVersionsWithTheirFates() {
        JsonNode body = api.get("/v1/models").body();

        assertThat(body.get("servedVersion").asLong()).isEqualTo(3);
        assertThat(body.get("pinnedVersion").isNull()).isTrue();
        assertThat(fates(body)).containsExactly("3:serving", "2:refused", "1:served");
        assertThat(body.get("versions").get(1).get("reason").asText()).isEqualTo("below-floor");
        assertThat(body.get("versions").get(1).get("detail").asText()).contains("gate.min.agreement");
    }

    @Test
    void shouldRollBackToTheLastGoodVersionAndServeItAtOnce() {
        ApiHarness.Reply reply = api.postJson("/v1/models/rollback", "{\"by\": \"alice\", \"reason\": \"v3 regressed\"}", AUTH);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("decision").get("by").asText()).isEqualTo("alice");
        assertThat(reply.body().get("decision").get("reason").asText()).isEqualTo("v3 regressed");
        assertThat(api.decisions).singleElement().satisfies(kept -> {
            assertThat(kept.getAction()).isEqualTo("rollback");
            assertThat(kept.getRolledBack()).containsExactly(3L);
        });
        assertThat(api.get("/v1/models").body().get("decision").get("action").asText()).isEqualTo("rollback");
        assertThat(reply.body().get("version").asLong()).isEqualTo(1);
        assertThat(reply.body().get("fate").asText()).isEqualTo("serving");
        assertThat(api.postJson("/v1/predict", PredictApiTest.single(TestCheckpoints.image(0), "after-rollback"))
                .body().get("modelVersion").asLong()).isEqualTo(1);
        assertThat(fates(api.get("/v1/models").body())).containsExactly("3:rolled_back", "2:refused", "1:serving");
        assertThat(api.registry.get("kd.gateway.swaps").tag("outcome", "rolled_back").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldPinAVersionHoldNewOnesAndServeTheNewestOnceUnpinned() {
        ApiHarness.Reply pinned = api.postJson("/v1/models/pin", "{\"version\": 1, \"by\": \"bob\", \"reason\": \"hold v1\"}", AUTH);
        byte[] weights = TestCheckpoints.trainedWeights();
        api.models.offer(TestCheckpoints.manifest("student", 4, weights, 0.82f), weights);

        assertThat(pinned.status()).isEqualTo(200);
        assertThat(api.get("/v1/model").body().get("version").asLong()).isEqualTo(1);
        assertThat(api.get("/v1/model").body().get("pinned").asBoolean()).isTrue();
        assertThat(fates(api.get("/v1/models").body())).startsWith("4:held");

        ApiHarness.Reply unpinned = api.send(HttpRequest.newBuilder(api.base().resolve("/v1/models/pin"))
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"by\": \"bob\", \"reason\": \"done\"}"))
                .header("Content-Type", "application/json").headers(AUTH));

        assertThat(unpinned.status()).isEqualTo(200);
        assertThat(unpinned.body().get("version").asLong()).isEqualTo(4);
        assertThat(api.get("/v1/model").body().get("pinned").asBoolean()).isFalse();
    }

    private static List<String> fates(JsonNode body) {
        List<String> fates = new ArrayList<>();
        body.get("versions").forEach(v -> fates.add(v.get("version").asLong() + ":" + v.get("fate").asText()));
        return fates;
    }
}

package io.kdstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes exactly the routes the gateway registers, each with its answers. */
class OpenApiTest {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private final ApiHarness api = new ApiHarness(ApiHarness.TOKEN);

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void documentsEveryRegisteredRouteAndNoOther() {
        ApiHarness.Reply reply = api.get(HttpApi.OPENAPI);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("openapi").asText()).startsWith("3.1");
        assertThat(documentedRoutes(reply.body())).isEqualTo(api.routes());
    }

    @Test
    void givesEveryOperationASummaryAndAnswersAndResolvesEveryReference() {
        JsonNode document = api.get(HttpApi.OPENAPI).body();

        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(operation -> {
                String route = operation.getKey() + " " + path.getKey();
                assertThat(operation.getValue().path("summary").asText()).as(route).isNotBlank();
                assertThat(operation.getValue().path("responses").size()).as(route).isPositive();
            });
        }
        assertReferencesResolve(document, document);
    }

    private static Set<String> documentedRoutes(JsonNode document) {
        Set<String> routes = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (HTTP_METHODS.contains(method)) {
                routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    private static void assertReferencesResolve(JsonNode node, JsonNode document) {
        if (node.has("$ref")) {
            String reference = node.get("$ref").asText();
            assertThat(reference).startsWith("#/");
            assertThat(document.at(reference.substring(1)).isMissingNode()).as(reference).isFalse();
        }
        node.elements().forEachRemaining(child -> assertReferencesResolve(child, document));
    }
}

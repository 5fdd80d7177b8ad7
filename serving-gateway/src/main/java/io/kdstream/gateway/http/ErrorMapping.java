package io.kdstream.gateway.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.kdstream.gateway.batching.MicroBatcher;
import io.kdstream.gateway.models.NoModelException;
import io.kdstream.gateway.models.ServingConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP statuses. Every error answer is JSON,
 * {@code {"error": "<code>", "detail": "<what was expected and what was found>"}}; on the Open Inference Protocol's
 * {@code /v2} routes it is {@code {"error": "<code>: <detail>"}}, the protocol's form. Client mistakes are not
 * logged; only unexpected failures (500) are, with their stack trace and an incident id, and their body carries that
 * id and nothing of the gateway's internals.
 */
final class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);
    private static final String ROUTES = "POST /v1/predict, GET /v1/model, GET /v1/models, POST /v1/models/rollback, "
            + "POST|DELETE /v1/models/pin, GET /health/live, GET /health/ready, GET /metrics, POST /v2/models/{name}/infer, "
            + "GET /v2/models/{name}, GET /v2/models/{name}/ready, GET /v2/health/live, GET /v2/health/ready";

    private ErrorMapping() {
    }

    static void install(Javalin app, ObjectMapper json, int maxBodyBytes) {
        app.exception(ApiException.class, (e, ctx) -> write(ctx, json, e.status(), e.error(), e.detail()));
        app.exception(ServingConflictException.class, (e, ctx) -> write(ctx, json, 409, e.code(), e.getMessage()));
        app.exception(NoModelException.class, (e, ctx) -> unavailable(ctx, json, "no-model", e.getMessage()));
        app.exception(MicroBatcher.OverloadedException.class, (e, ctx) -> unavailable(ctx, json, "overloaded", e.getMessage()));
        app.exception(MicroBatcher.StoppedException.class, (e, ctx) -> unavailable(ctx, json, "worker-stopped", e.getMessage()));
        app.exception(MicroBatcher.NonFiniteOutputException.class, (e, ctx) -> write(ctx, json, 500, "non-finite-output", e.getMessage()));
        app.exception(TimeoutException.class, (e, ctx) ->
                unavailable(ctx, json, "timeout", "the model did not answer within request.timeout.ms"));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            switch (e.getStatus()) {
                case 413 -> write(ctx, json, 413, "body-too-large", "the body is larger than http.max.body.bytes = "
                        + maxBodyBytes + " bytes; send fewer inputs per request");
                case 404 -> notFound(ctx, json);
                default -> write(ctx, json, e.getStatus(), "http-" + e.getStatus(), e.getMessage());
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            String incident = UUID.randomUUID().toString();
            LOG.error("{} {} failed (incident {})", ctx.method(), ctx.path(), incident, e);
            write(ctx, json, 500, "internal", "the gateway failed to answer; its log has the cause under incident " + incident);
        });
        // Unmatched routes end here without an exception; answers that already carry a JSON error are left alone.
        app.error(404, ctx -> {
            if (!Json.CONTENT_TYPE.equals(ctx.res().getContentType())) {
                notFound(ctx, json);
            }
        });
    }

    private static void notFound(Context ctx, ObjectMapper json) {
        write(ctx, json, 404, "not-found", "no route " + ctx.method() + " " + ctx.path() + "; the routes are " + ROUTES);
    }

    private static void unavailable(Context ctx, ObjectMapper json, String error, String detail) {
        ctx.header("Retry-After", "1");
        write(ctx, json, 503, error, detail);
    }

    private static void write(Context ctx, ObjectMapper json, int status, String error, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (ctx.path().startsWith(OpenInference.PREFIX)) {
            body.put("error", error + ": " + detail);
            Json.write(ctx, status, json, body);
            return;
        }
        body.put("error", error);
        body.put("detail", detail);
        Json.write(ctx, status, json, body);
    }
}

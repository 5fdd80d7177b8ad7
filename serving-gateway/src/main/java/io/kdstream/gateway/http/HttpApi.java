package io.kdstream.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.kdstream.core.service.Health;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.GatewayMetrics.RequestOutcome;
import io.kdstream.gateway.batching.MicroBatcher;
import io.kdstream.gateway.models.ModelManager;
import io.kdstream.gateway.models.NoModelException;
import io.kdstream.gateway.models.ServedModel;
import io.kdstream.gateway.models.VersionRecord;
import io.kdstream.gateway.traffic.AnswerCopier;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.schemas.ServingDecision;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The gateway's HTTP API: predictions (v1 and the Open Inference Protocol, both read against the served model's task
 * contract), what is served, admin actions, health and metrics. {@link #routes} is the whole route table; handlers
 * throw, and {@link ErrorMapping} turns every exception into a status and a JSON body.
 */
public final class HttpApi {

    static final String PREDICT = "/v1/predict";
    static final String STARTED = "kd.started";
    /** The OpenAPI document of every route below; a test holds it to the routes this class registers. */
    static final String OPENAPI = "/openapi.json";
    static final String BY = "by";
    static final String REASON = "reason";
    private static final int MAX_BY_CHARS = 200;
    private static final int MAX_REASON_CHARS = 1000;
    private static final String AUDIT_EXAMPLE = "\"by\": \"alice\", \"reason\": \"agreement fell after v42\"";

    private final ModelManager models;
    private final Predictor predictor;
    private final OpenInference openInference;
    private final PrometheusMeterRegistry registry;
    private final GatewayMetrics metrics;
    private final AdminAuth admin;
    private final ObjectMapper json;
    private final int maxBodyBytes;
    private final int maxRows;
    private final Supplier<Health> health;
    private final Consumer<ServingDecision> decisions;

    /**
     * @param health    what {@code /health/live} and {@code /health/ready} answer: the gateway's own health
     * @param decisions keeps an admin's decision where every gateway reads it; throws when it cannot
     */
    public HttpApi(ModelManager models, MicroBatcher batcher, AnswerCopier copier, PrometheusMeterRegistry registry,
                   GatewayMetrics metrics, String adminToken, String modelName, Duration requestTimeout,
                   int maxBodyBytes, int maxRows, Supplier<Health> health, Consumer<ServingDecision> decisions) {
        this.models = models;
        this.health = health;
        this.decisions = decisions;
        this.predictor = new Predictor(models, batcher, copier, modelName, requestTimeout);
        this.registry = registry;
        this.metrics = metrics;
        this.admin = new AdminAuth(adminToken);
        this.json = Json.mapper();
        this.maxBodyBytes = maxBodyBytes;
        this.maxRows = maxRows;
        this.openInference = new OpenInference(predictor, json, maxBodyBytes, maxRows);
    }

    /** A configured, not yet started server with every route and the error mapping. */
    public Javalin create() {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = maxBodyBytes;
        });
        routes(app);
        ErrorMapping.install(app, json, maxBodyBytes);
        return app;
    }

    void routes(Javalin app) {
        app.before(PREDICT, ctx -> ctx.attribute(STARTED, System.nanoTime()));
        app.post(PREDICT, this::predict);
        app.after(PREDICT, this::recordLatency);
        app.get("/v1/model", this::model);
        app.get("/v1/models", this::versions);
        app.post("/v1/models/rollback", this::rollback);
        app.post("/v1/models/pin", this::pin);
        app.delete("/v1/models/pin", this::unpin);
        // The Open Inference Protocol's server health (/v2/health/...) is the same: its live and ready fields are ours.
        for (String prefix : List.of("", "/v2")) {
            app.get(prefix + "/health/live", ctx -> health(ctx, false));
            app.get(prefix + "/health/ready", ctx -> health(ctx, true));
        }
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
        app.get(OPENAPI, ctx -> ctx.contentType("application/json").result(openApiDocument()));
        openInference.routes(app, this::recordLatency);
    }

    private void predict(Context ctx) throws Exception {
        Json.requireJsonContentType(ctx);
        TaskContract task = predictor.served().task();
        PredictRequest request = PredictRequest.parse(Json.readBody(ctx, maxBodyBytes), json, task, maxRows);
        MicroBatcher.Answer answer = predictor.predict(task, request.rows(), request.count(), request.requestIds(), ctx.attribute(STARTED));
        int classes = answer.classes();
        List<Map<String, Object>> predictions = new ArrayList<>(request.count());
        for (int i = 0; i < request.count(); i++) {
            float[] probabilities = new float[classes];
            System.arraycopy(answer.probabilities(), i * classes, probabilities, 0, classes);
            int top = Predictor.argmax(probabilities, 0, classes);
            Map<String, Object> prediction = new LinkedHashMap<>();
            prediction.put("requestId", request.requestIds().get(i));
            prediction.put("modelVersion", answer.version(i));
            prediction.put("topClass", top);
            prediction.put("topClassName", task.classNames().get(top));
            prediction.put("probabilities", probabilities);
            predictions.add(prediction);
        }
        if (request.batch()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("modelVersion", answer.modelVersion());
            body.put("classNames", task.classNames());
            body.put("predictions", predictions);
            Json.write(ctx, 200, json, body);
        } else {
            Json.write(ctx, 200, json, predictions.get(0));
        }
    }

    private void recordLatency(Context ctx) {
        Long started = ctx.attribute(STARTED);
        if (started == null) {
            return;
        }
        int status = ctx.statusCode();
        RequestOutcome outcome = status < 400 ? RequestOutcome.OK
                : status == 503 ? RequestOutcome.UNAVAILABLE
                : status < 500 ? RequestOutcome.CLIENT_ERROR : RequestOutcome.SERVER_ERROR;
        metrics.request(outcome, Duration.ofNanos(System.nanoTime() - started));
    }

    private void model(Context ctx) {
        ServedModel served = models.served();
        if (served == null) {
            throw new NoModelException();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        Checkpoint manifest = served.manifest();
        body.put("model", manifest.getModel());
        body.put("version", manifest.getVersion());
        body.put("since", served.since().toString());
        body.put("createdTime", manifest.getCreatedTime().toString());
        body.put("architecture", manifest.getArchitecture());
        body.put("task", TaskFiles.toJson(served.task()));
        body.put("pinned", models.pinnedVersion().isPresent());
        body.put("samplesSeen", manifest.getLineage().getSamplesSeen());
        body.put("holdout", holdout(manifest.getHoldout()));
        Json.write(ctx, 200, json, body);
    }

    private void versions(Context ctx) {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (VersionRecord record : models.history()) {
            versions.add(describe(record));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        OptionalLong served = models.servedVersion();
        body.put("servedVersion", served.isPresent() ? served.getAsLong() : null);
        OptionalLong pinned = models.pinnedVersion();
        body.put("pinnedVersion", pinned.isPresent() ? pinned.getAsLong() : null);
        ServingDecision decision = models.lastDecision();
        body.put("decision", decision == null ? null : describe(decision));
        body.put("versions", versions);
        Json.write(ctx, 200, json, body);
    }

    private void rollback(Context ctx) {
        admin.check(ctx);
        JsonNode body = adminBody(ctx, "{" + AUDIT_EXAMPLE + "}");
        decide(ctx, models.rollbackDecision(auditField(body, BY, MAX_BY_CHARS), auditField(body, REASON, MAX_REASON_CHARS)));
    }

    private void pin(Context ctx) {
        admin.check(ctx);
        JsonNode body = adminBody(ctx, "{\"version\": 12, " + AUDIT_EXAMPLE + "}");
        JsonNode version = body.get("version");
        if (version == null || !version.canConvertToLong() || !version.isIntegralNumber()) {
            throw ApiException.badRequest("bad-version", "expected {\"version\": <whole number>} but 'version' is "
                    + (version == null ? "missing" : version.toString()));
        }
        decide(ctx, models.pinDecision(version.asLong(), auditField(body, BY, MAX_BY_CHARS), auditField(body, REASON, MAX_REASON_CHARS)));
    }

    private void unpin(Context ctx) {
        admin.check(ctx);
        JsonNode body = adminBody(ctx, "{" + AUDIT_EXAMPLE + "}");
        decide(ctx, models.unpinDecision(auditField(body, BY, MAX_BY_CHARS), auditField(body, REASON, MAX_REASON_CHARS)));
    }

    /** The document shipped beside this class; read per request, since clients fetch it rarely. */
    static byte[] openApiDocument() throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IOException("openapi.json is missing from the gateway's jar");
            }
            return in.readAllBytes();
        }
    }

    /**
     * Keeps an admin's decision on the checkpoint topic, where every gateway of the model (this one after a restart
     * too) reads it, and only then obeys it here: a decision that could not be kept is not done anywhere.
     */
    private void decide(Context ctx, ServingDecision decision) {
        try {
            decisions.accept(decision);
        } catch (RuntimeException e) {
            throw new ApiException(503, "decision-not-kept", "the " + decision.getAction() + " could not be written to the "
                    + "checkpoint topic, so no gateway obeys it (nothing changed): " + e.getMessage());
        }
        VersionRecord served = models.apply(decision);
        Map<String, Object> body = served == null ? new LinkedHashMap<>() : describe(served);
        body.put("decision", describe(decision));
        Json.write(ctx, 200, json, body);
    }

    private JsonNode adminBody(Context ctx, String example) {
        Json.requireJsonContentType(ctx);
        return Json.readObject(Json.readBody(ctx, maxBodyBytes), json, example);
    }

    /** A required non-blank text of at most {@code maxChars}: who decided, or why. */
    private static String auditField(JsonNode body, String name, int maxChars) {
        JsonNode field = body.get(name);
        if (field == null || !field.isTextual() || field.asText().isBlank() || field.asText().length() > maxChars) {
            throw ApiException.badRequest("bad-audit", "'" + name + "' must be a non-blank string of at most " + maxChars
                    + " characters (admin actions say who did them and why, for every gateway's history) but is "
                    + (field == null ? "missing" : ContractInputs.kind(field)));
        }
        return field.asText();
    }

    /** The gateway's {@link Health}: 200 when live (or ready), 503 otherwise, its JSON naming the reason. */
    private void health(Context ctx, boolean readiness) {
        Health now = health.get();
        int status = now.httpStatus(readiness);
        if (status != 200) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(status).contentType("application/json").result(now.toJson());
    }

    private static Map<String, Object> describe(ServingDecision decision) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("action", decision.getAction());
        entry.put("version", decision.getVersion());
        entry.put(BY, decision.getAdmin());
        entry.put(REASON, decision.getReason());
        entry.put("time", decision.getTime().toString());
        entry.put("pinnedVersion", decision.getPinnedVersion());
        entry.put("rolledBack", decision.getRolledBack());
        return entry;
    }

    private static Map<String, Object> describe(VersionRecord record) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("version", record.version());
        entry.put("fate", record.fate().name().toLowerCase(java.util.Locale.ROOT));
        entry.put("reason", record.reason());
        entry.put("detail", record.detail());
        if (record.waiting() != null) {
            entry.put("examples", record.waiting().examples());
            entry.put("examplesNeeded", record.waiting().needed());
        }
        entry.put("decided", record.decided().toString());
        entry.put("createdTime", record.manifest().getCreatedTime().toString());
        entry.put("holdout", holdout(record.manifest().getHoldout()));
        return entry;
    }

    private static Map<String, Object> holdout(HoldoutScores scores) {
        Map<String, Object> holdout = new LinkedHashMap<>();
        holdout.put("examples", scores.getExamples());
        holdout.put("agreement", scores.getAgreement());
        holdout.put("kl", scores.getKl());
        holdout.put("accuracy", scores.getAccuracy());
        return holdout;
    }
}

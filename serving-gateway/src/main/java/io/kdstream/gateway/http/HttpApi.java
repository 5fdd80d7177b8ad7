package io.kdstream.gateway.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
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
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The gateway's HTTP API: predictions (v1 and the Open Inference Protocol, both read against the served model's task
 * contract), what is served, admin actions, health and metrics. {@link #routes} is the whole route table; handlers
 * throw, and {@link ErrorMapping} turns every exception into a status and a JSON body.
 */
public final class HttpApi {

    static final String PREDICT = "/v1/predict";
    static final String STARTED = "kd.started";

    private final ModelManager models;
    private final Predictor predictor;
    private final OpenInference openInference;
    private final PrometheusMeterRegistry registry;
    private final GatewayMetrics metrics;
    private final AdminAuth admin;
    private final ObjectMapper json;
    private final int maxBodyBytes;
    private final int maxRows;

    public HttpApi(ModelManager models, MicroBatcher batcher, AnswerCopier copier, PrometheusMeterRegistry registry,
                   GatewayMetrics metrics, String adminToken, String modelName, Duration requestTimeout,
                   int maxBodyBytes, int maxRows) {
        this.models = models;
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
        app.get("/health/live", ctx -> Json.write(ctx, 200, json, Map.of("status", "live")));
        app.get("/health/ready", this::ready);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
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
        body.put("versions", versions);
        Json.write(ctx, 200, json, body);
    }

    private void rollback(Context ctx) {
        admin.check(ctx);
        Json.write(ctx, 200, json, describe(models.rollback()));
    }

    private void pin(Context ctx) {
        admin.check(ctx);
        Json.requireJsonContentType(ctx);
        JsonNode body = Json.readObject(Json.readBody(ctx, maxBodyBytes), json, "{\"version\": 12}");
        JsonNode version = body.get("version");
        if (version == null || !version.canConvertToLong() || !version.isIntegralNumber()) {
            throw ApiException.badRequest("bad-version", "expected {\"version\": <whole number>} but 'version' is "
                    + (version == null ? "missing" : version.toString()));
        }
        Json.write(ctx, 200, json, describe(models.pin(version.asLong())));
    }

    private void unpin(Context ctx) {
        admin.check(ctx);
        VersionRecord served = models.unpin();
        Json.write(ctx, 200, json, served == null ? Map.of() : describe(served));
    }

    /** 200 while a model is served and the model worker runs; 503 naming the reason otherwise. */
    private void ready(Context ctx) {
        String notReady = predictor.notReady();
        if (notReady != null) {
            ctx.header("Retry-After", "1");
            Json.write(ctx, 503, json, Map.of("status", "not-ready", "error", "not-ready", "detail", notReady));
            return;
        }
        Json.write(ctx, 200, json, Map.of("status", "ready", "modelVersion", models.servedVersion().orElse(-1)));
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

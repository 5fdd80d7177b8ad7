package io.kdstream.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kdstream.core.config.ServiceConfig;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.task.TaskContract;
import io.kdstream.gateway.models.PairedGate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the serving gateway. The gateway serves {@code /metrics} on its HTTP port, so the shared
 * {@code metrics.port} key is not part of this definition.
 */
public final class GatewayConfig extends ServiceConfig {

    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_MAX_BODY_BYTES = "http.max.body.bytes";
    public static final String HTTP_MAX_ROWS = "http.max.rows";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String MODEL_NAME = "model.name";
    public static final String MODELS_RETAINED = "models.retained";
    public static final String GATE_MIN_AGREEMENT = "gate.min.agreement";
    public static final String GATE_MAX_DROP = "gate.max.drop";
    public static final String GATE_PAIRED = "gate.paired";
    public static final String GATE_EXAMPLES_RETAINED = "gate.examples.retained";
    public static final String GATE_EXAMPLES_MIN = "gate.examples.min";
    public static final String GATE_EXAMPLES_MAX = "gate.examples.max";
    public static final String GATE_WAIT_MS = "gate.wait.ms";
    public static final String GATE_CLASS_MAX_DROP = "gate.class.max.drop";
    public static final String GATE_CLASS_MIN_EXAMPLES = "gate.class.min.examples";
    public static final String GATE_Z = "gate.z";
    public static final String BATCH_MAX = "batch.max";
    public static final String BATCH_WAIT_MS = "batch.wait.ms";
    public static final String BATCH_QUEUE_CAPACITY = "batch.queue.capacity";
    public static final String SHADOW_FRACTION = "shadow.fraction";
    public static final String PREDICTIONS_FRACTION = "predictions.fraction";
    public static final String COPY_BUFFER_RECORDS = "copy.buffer.records";
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String DEVICE = "device";

    /** The smallest body that can hold one 784-value input written with a few decimals. */
    static final int MIN_BODY_BYTES = 16 * 1024;
    static final int MIN_ADMIN_TOKEN_CHARS = 16;

    public static final ConfigDef DEFINITION = definition();

    public GatewayConfig(Map<String, ?> originals) {
        super(DEFINITION, originals);
    }

    private static ConfigDef definition() {
        ConfigDef definition = new ConfigDef();
        for (ConfigKey key : commonDefinitions(0).configKeys().values()) {
            if (!key.name.equals(METRICS_PORT)) {
                definition.define(key);
            }
        }
        definition
                .define(HTTP_HOST, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Address the HTTP API listens on; 127.0.0.1 keeps it private to this machine.")
                .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.HIGH,
                        "Port of the HTTP API, which also serves /metrics and /health; 0 picks a free port.")
                .define(HTTP_MAX_BODY_BYTES, Type.INT, 8 * 1024 * 1024, Range.atLeast(MIN_BODY_BYTES), Importance.MEDIUM,
                        "Largest request body accepted, whatever its transfer encoding (a chunked body is refused as soon "
                                + "as it passes the limit); larger ones get 413. One 784-value input takes about 8 KiB of JSON, "
                                + "so the default holds batches of several hundred inputs.")
                .define(HTTP_MAX_ROWS, Type.INT, 1024, Range.between(1, 1_000_000), Importance.MEDIUM,
                        "Most inputs in one request (v1 'inputs' or an Open Inference Protocol batch); more get 413 before "
                                + "they are read. A request over batch.max is split into model calls of batch.max.")
                .define(REQUEST_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                        "How long a predict request waits for its model call before it is answered with 503.")
                .define(MODEL_NAME, Type.STRING, "student", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "The model whose checkpoints are followed on the checkpoint topic; others are ignored.")
                .define(MODELS_RETAINED, Type.INT, 5, Range.between(1, 100), Importance.LOW,
                        "Checkpoints that passed their gates whose weights are kept in memory as rollback and pin targets.")
                .define(GATE_MIN_AGREEMENT, Type.DOUBLE, 0.6, Range.between(0, 1), Importance.HIGH,
                        "A checkpoint is served only when its agreement with the teacher reaches this floor: as its "
                                + "manifest reports it, and as the paired gate measures it on recent examples.")
                .define(GATE_MAX_DROP, Type.DOUBLE, 0.01, Range.between(0, 1), Importance.HIGH,
                        "A checkpoint is refused (agreement-drop) when its agreement, measured by the paired gate on the "
                                + "same recent examples as the served model's, is worse by more than this even after adding "
                                + GATE_Z + " standard errors of the paired difference. Without the paired gate the manifests' "
                                + "holdout scores are compared instead, with two standard errors.")
                .define(GATE_PAIRED, Type.BOOLEAN, false, Importance.HIGH,
                        "Opt-in until a candidate pending when the stream ends can still be gated (today the newest one "
                                + "then waits for ever and the older ones were superseded). Judge each candidate against the served model on recent teacher-labelled examples from the "
                                + "soft-label topic that neither trained on (the paired gate); a candidate with too few "
                                + "such examples is pending until they arrive. The first model a gateway serves has "
                                + "nothing to be paired with and passes on its manifest (and its measured agreement when "
                                + "examples are there). Off: manifests alone decide; turn it off for a gateway with no "
                                + "soft-label stream (no teacher), whose candidates would otherwise pend for ever.")
                .define(GATE_EXAMPLES_RETAINED, Type.INT, 4096, Range.between(1, 1_000_000), Importance.LOW,
                        "Newest soft labels the paired gate keeps in memory (about 1 KiB each for a 28x28 image); "
                                + "the oldest are dropped.")
                .define(GATE_EXAMPLES_MIN, Type.INT, 300, Range.atLeast(1), Importance.MEDIUM,
                        "Fewest examples unseen by the candidate (at or after its lineage offsets) the paired gate judges "
                                + "on; with fewer after " + GATE_WAIT_MS + " the candidate is pending (GET /v1/models shows "
                                + "how many it has) and is gated as soon as the rest arrive, unless a newer one supersedes it.")
                .define(GATE_EXAMPLES_MAX, Type.INT, 1000, Range.atLeast(1), Importance.MEDIUM,
                        "Most examples the paired gate scores: the newest unseen ones. More examples tell smaller "
                                + "differences apart and take longer.")
                .define(GATE_WAIT_MS, Type.INT, 1000, Range.between(0, 600_000), Importance.LOW,
                        "Longest the paired gate waits for " + GATE_EXAMPLES_MIN + " unseen examples before it lists the "
                                + "candidate as pending; it waits on the checkpoint thread, never on the request path, and a "
                                + "pending candidate is checked again after every poll of the checkpoint topic.")
                .define(GATE_CLASS_MAX_DROP, Type.DOUBLE, 0.05, Range.between(0, 1), Importance.MEDIUM,
                        "A checkpoint is refused (class-regression, naming the class) when its agreement on one class "
                                + "(the teacher's top class) is worse than the served model's by more than this plus "
                                + GATE_Z + " standard errors.")
                .define(GATE_CLASS_MIN_EXAMPLES, Type.INT, 20, Range.atLeast(1), Importance.LOW,
                        "Classes with fewer examples in the paired gate's sample are not judged on their own.")
                .define(GATE_Z, Type.DOUBLE, 2.0, Range.between(0, 10), Importance.MEDIUM,
                        "Standard errors of the paired difference a candidate is given the benefit of; at 2, two equally "
                                + "good models are refused by chance in about 1% of gates (docs/gateway.md).")
                .define(BATCH_MAX, Type.INT, 32, Range.between(1, 4096), Importance.MEDIUM,
                        "Most examples in one model call; concurrent requests are merged up to this size, and a larger request "
                                + "is split into calls of this size.")
                .define(BATCH_WAIT_MS, Type.INT, 2, Range.between(0, 1000), Importance.MEDIUM,
                        "Longest a request waits for others to join its model call; 0 merges only what is already queued.")
                .define(BATCH_QUEUE_CAPACITY, Type.INT, 1024, Range.atLeast(1), Importance.LOW,
                        "Requests that may wait for a model call; beyond it the gateway answers 503 at once.")
                .define(SHADOW_FRACTION, Type.DOUBLE, 0.1, Range.between(0, 1), Importance.MEDIUM,
                        "Share of answered inputs copied to the traffic topic for the teacher to label.")
                .define(PREDICTIONS_FRACTION, Type.DOUBLE, 1.0, Range.between(0, 1), Importance.MEDIUM,
                        "Share of answers written to the predictions topic for the monitor; shadowed inputs always are.")
                .define(COPY_BUFFER_RECORDS, Type.INT, 4096, Range.atLeast(1), Importance.LOW,
                        "Copies waiting to be sent to Kafka; when Kafka is slow or down, copies beyond this are dropped "
                                + "and counted, and requests are not slowed.")
                .define(ADMIN_TOKEN, Type.PASSWORD, "", Importance.HIGH,
                        "Bearer token of the admin routes (rollback, pin); empty turns them off (404). At least "
                                + MIN_ADMIN_TOKEN_CHARS + " characters.")
                .define(DEVICE, Type.STRING, "auto", ValidString.in("auto", "cpu", "gpu"), Importance.LOW,
                        "Where the student runs: the first GPU when one is visible (auto), or forced to cpu or gpu.");
        return TaskSetting.defineFollowing(definition, "follows the task of the first good checkpoint; a task pins it. "
                + "Checkpoints of any other task are refused (task-mismatch), and either way one gateway serves one task "
                + "for its whole life.");
    }

    @Override
    protected List<String> crossFieldProblems() {
        List<String> problems = new ArrayList<>();
        if (batchQueueCapacity() < batchMax()) {
            problems.add(BATCH_QUEUE_CAPACITY + " (" + batchQueueCapacity() + ") must hold at least one full batch ("
                    + BATCH_MAX + " = " + batchMax() + "): raise " + BATCH_QUEUE_CAPACITY + " or lower " + BATCH_MAX);
        }
        if (batchWait().compareTo(requestTimeout()) >= 0) {
            problems.add(BATCH_WAIT_MS + " (" + batchWait().toMillis() + ") must be below " + REQUEST_TIMEOUT_MS + " ("
                    + requestTimeout().toMillis() + "), or every request would time out: lower " + BATCH_WAIT_MS);
        }
        String token = adminToken();
        if (!token.isEmpty() && token.length() < MIN_ADMIN_TOKEN_CHARS) {
            problems.add(ADMIN_TOKEN + " has " + token.length() + " characters but needs at least " + MIN_ADMIN_TOKEN_CHARS
                    + ": use a longer random token, or leave it empty to turn the admin routes off");
        }
        if (gateExamplesMin() > gateExamplesMax() || gateExamplesMax() > gateExamplesRetained()) {
            problems.add(GATE_EXAMPLES_MIN + " (" + gateExamplesMin() + ") <= " + GATE_EXAMPLES_MAX + " ("
                    + gateExamplesMax() + ") <= " + GATE_EXAMPLES_RETAINED + " (" + gateExamplesRetained()
                    + ") must hold: the gate cannot score more examples than it keeps");
        }
        if (topics().traffic().equals(topics().predictions())) {
            problems.add(TOPIC_TRAFFIC + " and " + TOPIC_PREDICTIONS + " are both '" + topics().traffic()
                    + "': shadow copies and predictions need topics of their own");
        }
        return problems;
    }

    public String httpHost() {
        return getString(HTTP_HOST);
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public int maxBodyBytes() {
        return getInt(HTTP_MAX_BODY_BYTES);
    }

    public int maxRows() {
        return getInt(HTTP_MAX_ROWS);
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
    }

    public String modelName() {
        return getString(MODEL_NAME);
    }

    public int modelsRetained() {
        return getInt(MODELS_RETAINED);
    }

    public double minAgreement() {
        return getDouble(GATE_MIN_AGREEMENT);
    }

    public double maxDrop() {
        return getDouble(GATE_MAX_DROP);
    }

    public boolean pairedGate() {
        return getBoolean(GATE_PAIRED);
    }

    public int gateExamplesRetained() {
        return getInt(GATE_EXAMPLES_RETAINED);
    }

    public int gateExamplesMin() {
        return getInt(GATE_EXAMPLES_MIN);
    }

    public int gateExamplesMax() {
        return getInt(GATE_EXAMPLES_MAX);
    }

    /** The paired gate's settings as {@link io.kdstream.gateway.models.PairedGate} takes them. */
    public PairedGate.Settings pairedGateSettings() {
        return new PairedGate.Settings(gateExamplesMin(), gateExamplesMax(),
                Duration.ofMillis(getInt(GATE_WAIT_MS)), maxDrop(), getDouble(GATE_CLASS_MAX_DROP),
                getInt(GATE_CLASS_MIN_EXAMPLES), getDouble(GATE_Z), minAgreement());
    }

    public int batchMax() {
        return getInt(BATCH_MAX);
    }

    public Duration batchWait() {
        return Duration.ofMillis(getInt(BATCH_WAIT_MS));
    }

    public int batchQueueCapacity() {
        return getInt(BATCH_QUEUE_CAPACITY);
    }

    public double shadowFraction() {
        return getDouble(SHADOW_FRACTION);
    }

    public double predictionsFraction() {
        return getDouble(PREDICTIONS_FRACTION);
    }

    public int copyBufferRecords() {
        return getInt(COPY_BUFFER_RECORDS);
    }

    /** The admin bearer token, or empty when the admin routes are off. */
    public String adminToken() {
        Password token = getPassword(ADMIN_TOKEN);
        return token == null ? "" : token.value();
    }

    public String device() {
        return getString(DEVICE);
    }

    /** The task the {@value TaskSetting#KEY} setting pins, or empty to follow the first good checkpoint's. */
    public Optional<TaskContract> task() {
        return TaskSetting.pinned(this);
    }
}

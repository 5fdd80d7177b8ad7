package io.kdstream.trainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import io.kdstream.core.config.ServiceConfig;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.trainer.labels.HoldoutKey;
import io.kdstream.core.eval.HoldoutSlice;
import io.kdstream.trainer.training.StudentSetup;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the student trainer. Construction checks each key and the rules between keys and reports all
 * problems at once; {@code docs/trainer.md} holds the table generated from {@link #DEFINITION}.
 */
public final class TrainerConfig extends ServiceConfig {

    public static final int DEFAULT_METRICS_PORT = 9402;

    public static final String MODEL_NAME = "model.name";
    public static final String STUDENT_ARCHITECTURE = "student.architecture";
    public static final String MODE = "mode";
    public static final String TEMPERATURE = "temperature";
    public static final String ALPHA = "alpha";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCHES_AHEAD = "batches.ahead";
    public static final String OPTIMIZER = "optimizer";
    public static final String LEARNING_RATE = "learning.rate";
    public static final String LR_SCHEDULE = "lr.schedule";
    public static final String LR_SCHEDULE_STEPS = "lr.schedule.steps";
    public static final String WEIGHT_DECAY = "weight.decay";
    public static final String CHECKPOINT_INTERVAL_MS = "checkpoint.interval.ms";
    public static final String CHECKPOINT_INTERVAL_STEPS = "checkpoint.interval.steps";
    public static final String CHECKPOINT_KEEP = "checkpoint.keep";
    public static final String CHECKPOINT_CHUNK_BYTES = "checkpoint.chunk.bytes";
    public static final String HOLDOUT_PERMILLE = "holdout.permille";
    public static final String HOLDOUT_SIZE = "holdout.size";
    public static final String HOLDOUT_KEY = "holdout.key";
    public static final String HOLDOUT_KEY_FILE = "holdout.key.file";
    public static final String REPLAY_BUFFER_SIZE = "replay.buffer.size";
    public static final String REPLAY_FRACTION = "replay.fraction";
    public static final String GROUND_TRUTH_CACHE_SIZE = "ground.truth.cache.size";
    public static final String EMA_DECAY = "ema.decay";
    public static final String MUTUAL_PEERS = "mutual.peers";
    public static final String GRADIENT_CLIP_NORM = "gradient.clip.norm";
    public static final String DIVERGENCE_AGREEMENT_DROP = "divergence.agreement.drop";
    public static final String PUBLISH_EMA_DECAY = "publish.ema.decay";
    public static final String DEVICE = "device";
    public static final String GROUP_ID = "group.id";
    public static final String TRANSACTIONAL_ID = "transactional.id";

    /** The transaction timeout Kafka producers use when {@code kafka.transaction.timeout.ms} is not set. */
    static final int KAFKA_DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

    public static final ConfigDef DEFINITION = TaskSetting.define(commonDefinitions(DEFAULT_METRICS_PORT))
            .define(MODEL_NAME, Type.STRING, "student", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Name of the model on kd-checkpoints; the gateway follows this name.")
            .define(STUDENT_ARCHITECTURE, Type.STRING, "", new ArchitectureSpec(), Importance.HIGH,
                    "Student architecture spec: mlp:<inputs>-<hidden sizes>-<classes> (e.g. mlp:784-128-64-10) or a small "
                            + "CNN such as cnn:28x28-8-16-64-10 or cnn:3x32x32-8-16-64-10, with an optional :dropout=0.2 "
                            + "suffix; an MLP's :norm suffix standardises each input feature with statistics estimated from "
                            + "the first training examples and saved in every checkpoint, so raw features of any scale are "
                            + "served as they are. It must take the task's inputs and give its classes; empty means the "
                            + "task's default student, an MLP with 96 hidden units (mlp:784-96-10 for fashion-mnist, "
                            + "mlp:16-96-5:norm for tabular-rbf: float vectors get :norm).")
            .define(MODE, Type.STRING, Mode.TEACHER.configName(), ValidString.in(Mode.configNames()), Importance.HIGH,
                    "teacher: distil the teacher's soft labels from topic.soft.labels. self: distil from an exponential "
                            + "moving average of the student itself, reading topic.traffic (no teacher needed). mutual: "
                            + "mutual.peers students read topic.traffic and distil from each other; the best one is published.")
            .define(TEMPERATURE, Type.DOUBLE, 2.0, Range.between(0.05, 100), Importance.HIGH,
                    "Distillation temperature T of the trainer. Soft labels made at the teacher's temperature are "
                            + "re-tempered to this one; narrow students prefer a low T.")
            .define(ALPHA, Type.DOUBLE, 0.5, Range.between(0, 1), Importance.HIGH,
                    "Weight of the soft targets where a true label is known: loss = (1-alpha)*CE + alpha*T^2*KL. "
                            + "Examples without a true label use alpha = 1.")
            .define(BATCH_SIZE, Type.INT, 64, Range.between(1, 65_536), Importance.HIGH,
                    "Examples per optimizer step, new and replayed together.")
            .define(BATCHES_AHEAD, Type.INT, 64, Range.between(1, 4096), Importance.LOW,
                    "Batches decoded ahead of the optimizer (the one it is stepping on included), so that it keeps "
                            + "training while the poll loop waits for a fetch; each holds batch.size examples on the heap, "
                            + "and together they may take at most a quarter of it.")
            .define(OPTIMIZER, Type.STRING, "adam", ValidString.in("adam", "sgd"), Importance.MEDIUM,
                    "adam, or sgd with Nesterov momentum 0.9.")
            .define(LEARNING_RATE, Type.DOUBLE, 1e-3, Range.between(1e-7, 10), Importance.MEDIUM,
                    "Base learning rate of the optimizer.")
            .define(LR_SCHEDULE, Type.STRING, "fixed", ValidString.in("fixed", "cosine"), Importance.MEDIUM,
                    "fixed, or cosine: decays to 5% of the base rate over lr.schedule.steps steps, then stays there.")
            .define(LR_SCHEDULE_STEPS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "Optimizer steps of the cosine schedule.")
            .define(WEIGHT_DECAY, Type.DOUBLE, 0.0, Range.between(0, 1), Importance.LOW,
                    "L2 weight decay of the optimizer.")
            .define(CHECKPOINT_INTERVAL_MS, Type.LONG, 2000L, Range.between(100, 3_600_000), Importance.HIGH,
                    "Publish a checkpoint at least this often (milliseconds) while new records arrive.")
            .define(CHECKPOINT_INTERVAL_STEPS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                    "Also publish after this many optimizer steps, whichever comes first; 0 turns the step count off.")
            .define(CHECKPOINT_KEEP, Type.INT, 3, Range.between(1, 1000), Importance.MEDIUM,
                    "Versions kept on kd-checkpoints (rollback targets); older ones are tombstoned.")
            .define(CHECKPOINT_CHUNK_BYTES, Type.INT, 256 * 1024, Range.between(1024, 900 * 1024), Importance.LOW,
                    "Largest weight chunk in bytes; keep it well under the brokers' message.max.bytes.")
            .define(HOLDOUT_PERMILLE, Type.INT, 50, Range.between(0, 999), Importance.MEDIUM,
                    "Share of the stream held out from training, in thousandths. A record is held out when its keyed hash "
                            + "HMAC-SHA256(holdout.key, id), first 8 bytes unsigned, modulo 1000 is below holdout.permille; the "
                            + "id is the gateway's shadowId of a shadow copy, else the request id. It scores every checkpoint.")
            .define(HOLDOUT_SIZE, Type.INT, 2000, Range.between(1, 1_000_000), Importance.LOW,
                    "The most recent held-out examples kept for scoring.")
            .define(HOLDOUT_KEY, Type.PASSWORD, "", Importance.MEDIUM,
                    "Secret key (at least " + HoldoutSlice.MIN_KEY_BYTES + " bytes of UTF-8) of the hash that chooses the "
                            + "held-out slice, so that clients cannot choose it. Every trainer that must hold out the same "
                            + "requests (restarts, a standby, rival models on one stream) needs the same key; changing it "
                            + "loses nothing committed but scores later checkpoints on another slice. Empty: the key in "
                            + "holdout.key.file, generated there on first start.")
            .define(HOLDOUT_KEY_FILE, Type.STRING, "", Importance.LOW,
                    "Where the holdout key is kept when holdout.key is empty: read at start, or generated (256 random bits, "
                            + "owner-only) if missing. Put it on storage that outlives the trainer (a volume) and that its "
                            + "standby shares. Empty means ~/.kd/holdout.key.")
            .define(REPLAY_BUFFER_SIZE, Type.INT, 10_000, Range.between(0, 10_000_000), Importance.MEDIUM,
                    "Examples kept for replay: a uniform sample (reservoir) of everything trained on so far.")
            .define(REPLAY_FRACTION, Type.DOUBLE, 0.0, Range.between(0, 0.9), Importance.MEDIUM,
                    "Share of each batch drawn from the replay buffer; the rest are new examples. 0 turns replay off.")
            .define(GROUND_TRUTH_CACHE_SIZE, Type.INT, 10_000, Range.between(0, 10_000_000), Importance.LOW,
                    "Late true labels from topic.ground.truth kept by request id, for examples whose label arrives "
                            + "before or after them; 0 does not read the topic.")
            .define(EMA_DECAY, Type.DOUBLE, 0.99, Range.between(0, 0.99999), Importance.LOW,
                    "mode=self: the teacher's weights move as teacher = decay*teacher + (1-decay)*student each step.")
            .define(MUTUAL_PEERS, Type.INT, 2, Range.between(2, 16), Importance.LOW,
                    "mode=mutual: students training side by side, each distilling from the mean of the others.")
            .define(GRADIENT_CLIP_NORM, Type.DOUBLE, 10.0, Range.between(0, 1e6), Importance.MEDIUM,
                    "Largest L2 norm of a step's gradients, all parameters together; longer gradients are scaled down to "
                            + "it, so one outlier batch moves the weights no further than a normal one (an untrained small MLP "
                            + "starts near 7). 0 turns clipping off.")
            .define(DIVERGENCE_AGREEMENT_DROP, Type.DOUBLE, 0.1, Range.between(0, 1), Importance.MEDIUM,
                    "A checkpoint whose holdout agreement is this much below the last good checkpoint's, scored again on "
                            + "the same held-out examples, counts as a collapse: the student is rolled back to the last good "
                            + "weights with a fresh optimizer state (kd_trainer_rollbacks_total). Non-finite weights always "
                            + "roll back. 0 turns the holdout check off.")
            .define(PUBLISH_EMA_DECAY, Type.DOUBLE, 0.99, Range.between(0, 0.99999), Importance.MEDIUM,
                    "mode=teacher: publish an exponential moving average of the student's weights (Polyak averaging) "
                            + "with this decay per step instead of the newest weights, for steadier checkpoints; the decay "
                            + "ramps up as min(decay, (1+t)/(10+t)) over the first steps t. 0 publishes the newest weights.")
            .define(DEVICE, Type.STRING, "auto", ValidString.in("auto", "cpu", "gpu"), Importance.MEDIUM,
                    "Where the student trains: auto takes the first GPU PyTorch sees, else the CPU.")
            .define(GROUP_ID, Type.STRING, "", Importance.LOW,
                    "Consumer group whose offsets are committed with each checkpoint; empty means kd-trainer-<model.name>.")
            .define(TRANSACTIONAL_ID, Type.STRING, "", Importance.MEDIUM,
                    "Kafka transactional id; a newer trainer with the same id fences the older one. Empty means "
                            + "kd-trainer-<model.name>.");

    public TrainerConfig(Map<String, ?> originals) {
        super(DEFINITION, originals);
    }

    @Override
    protected List<String> crossFieldProblems() {
        List<String> problems = new ArrayList<>();
        int transactionTimeout = transactionTimeoutMs();
        if (checkpointInterval().toMillis() * 2 > transactionTimeout) {
            problems.add(CHECKPOINT_INTERVAL_MS + " (" + checkpointInterval().toMillis() + ") must be at most half of "
                    + KAFKA_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG + " (" + transactionTimeout
                    + "), because the transaction holding dead letters stays open between checkpoints: lower "
                    + CHECKPOINT_INTERVAL_MS + " or raise " + KAFKA_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        }
        Object isolation = originals().get(KAFKA_PREFIX + ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (isolation != null && !"read_committed".equals(String.valueOf(isolation))) {
            problems.add(KAFKA_PREFIX + ConsumerConfig.ISOLATION_LEVEL_CONFIG + " is " + isolation
                    + " but the trainer must read only committed records (aborted soft labels would be trained on): remove it");
        }
        for (String owned : List.of(ConsumerConfig.GROUP_ID_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)) {
            if (originals().containsKey(KAFKA_PREFIX + owned)) {
                problems.add(KAFKA_PREFIX + owned + " is set by the trainer itself"
                        + (owned.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG) ? " (offsets commit with checkpoints)" : "")
                        + ": remove it" + (owned.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG) ? "" : " and set " + owned));
            }
        }
        if (replayFraction() > 0 && newExamplesPerBatch() < 1) {
            problems.add(REPLAY_FRACTION + " (" + replayFraction() + ") leaves no new example in a batch of "
                    + batchSize() + ": lower " + REPLAY_FRACTION + " or raise " + BATCH_SIZE);
        }
        String configured = getString(STUDENT_ARCHITECTURE);
        TaskContract task = task();
        if (!configured.isBlank()) {
            String mismatch = Architecture.parse(configured).mismatchWith(task);
            if (mismatch != null) {
                problems.add(STUDENT_ARCHITECTURE + " does not fit " + TaskSetting.KEY + " " + task.name() + ": " + mismatch
                        + "; set " + STUDENT_ARCHITECTURE + " for the task, leave it empty for "
                        + Architecture.studentFor(task) + ", or set " + TaskSetting.KEY + " to the architecture's task");
            }
        }
        long heap = Runtime.getRuntime().maxMemory();
        long bytesAhead = (long) batchesAhead() * batchSize() * (architecture().inputSize() + architecture().classes()) * Float.BYTES;
        if (bytesAhead > heap / 4) {
            problems.add(BATCHES_AHEAD + " (" + batchesAhead() + ") batches of " + batchSize() + " examples take "
                    + bytesAhead / (1 << 20) + " MiB, more than a quarter of the " + heap / (1 << 20)
                    + " MiB heap: lower " + BATCHES_AHEAD + " or give the JVM more memory (-Xmx)");
        }
        String key = getPassword(HOLDOUT_KEY).value();
        if (!key.isEmpty() && key.getBytes(StandardCharsets.UTF_8).length < HoldoutSlice.MIN_KEY_BYTES) {
            problems.add(HOLDOUT_KEY + " has " + key.getBytes(StandardCharsets.UTF_8).length + " bytes but needs at least "
                    + HoldoutSlice.MIN_KEY_BYTES + ": set a longer secret, or leave it empty to have one generated in "
                    + HOLDOUT_KEY_FILE);
        }
        if (replayFraction() > 0 && replayBufferSize() == 0) {
            problems.add(REPLAY_FRACTION + " is " + replayFraction() + " but " + REPLAY_BUFFER_SIZE
                    + " is 0: give the buffer room or set " + REPLAY_FRACTION + "=0");
        }
        return problems;
    }

    public String modelName() {
        return getString(MODEL_NAME);
    }

    /** The task the soft labels or traffic must fit and every checkpoint is made for. */
    public TaskContract task() {
        return TaskSetting.of(this);
    }

    /** {@value #STUDENT_ARCHITECTURE}, or {@link Architecture#studentFor} the task when it is empty. */
    public Architecture architecture() {
        String configured = getString(STUDENT_ARCHITECTURE);
        return configured.isBlank() ? Architecture.studentFor(task()) : Architecture.parse(configured);
    }

    public Mode mode() {
        return Mode.of(getString(MODE));
    }

    public float temperature() {
        return getDouble(TEMPERATURE).floatValue();
    }

    public float alpha() {
        return getDouble(ALPHA).floatValue();
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int batchesAhead() {
        return getInt(BATCHES_AHEAD);
    }

    /** New stream examples in each full batch; the rest of the batch is replayed. */
    public int newExamplesPerBatch() {
        return newExamplesPerBatch(batchSize(), replayFraction());
    }

    /** New stream examples in a full batch of {@code batchSize} of which {@code replayFraction} is replayed. */
    public static int newExamplesPerBatch(int batchSize, double replayFraction) {
        return batchSize - (int) Math.round(batchSize * replayFraction);
    }

    public OptimizerSettings optimizer() {
        return new OptimizerSettings(getString(OPTIMIZER), getDouble(LEARNING_RATE).floatValue(), getString(LR_SCHEDULE),
                getInt(LR_SCHEDULE_STEPS), getDouble(WEIGHT_DECAY).floatValue());
    }

    public Duration checkpointInterval() {
        return Duration.ofMillis(getLong(CHECKPOINT_INTERVAL_MS));
    }

    /** Optimizer steps between checkpoints, or 0 when only time counts. */
    public long checkpointIntervalSteps() {
        return getLong(CHECKPOINT_INTERVAL_STEPS);
    }

    public int checkpointKeep() {
        return getInt(CHECKPOINT_KEEP);
    }

    public int checkpointChunkBytes() {
        return getInt(CHECKPOINT_CHUNK_BYTES);
    }

    public int holdoutPermille() {
        return getInt(HOLDOUT_PERMILLE);
    }

    /**
     * The held-out slice: a keyed hash with {@value #HOLDOUT_KEY}, or the key kept in {@value #HOLDOUT_KEY_FILE}
     * (generated there if missing). Nothing is read or generated when nothing is held out.
     */
    public HoldoutSlice holdoutSlice() {
        if (holdoutPermille() == 0) {
            return HoldoutSlice.NONE;
        }
        return new HoldoutSlice(holdoutPermille(), HoldoutKey.resolve(getPassword(HOLDOUT_KEY).value(), holdoutKeyFile()));
    }

    /** {@value #HOLDOUT_KEY_FILE}, or {@code ~/.kd/holdout.key} when it is empty. */
    public Path holdoutKeyFile() {
        String configured = getString(HOLDOUT_KEY_FILE);
        return configured.isBlank() ? Path.of(System.getProperty("user.home"), ".kd", "holdout.key") : Path.of(configured);
    }

    public int holdoutSize() {
        return getInt(HOLDOUT_SIZE);
    }

    public int replayBufferSize() {
        return getInt(REPLAY_BUFFER_SIZE);
    }

    public double replayFraction() {
        return getDouble(REPLAY_FRACTION);
    }

    public int groundTruthCacheSize() {
        return getInt(GROUND_TRUTH_CACHE_SIZE);
    }

    public float emaDecay() {
        return getDouble(EMA_DECAY).floatValue();
    }

    public int mutualPeers() {
        return getInt(MUTUAL_PEERS);
    }

    public float gradientClipNorm() {
        return getDouble(GRADIENT_CLIP_NORM).floatValue();
    }

    public double divergenceAgreementDrop() {
        return getDouble(DIVERGENCE_AGREEMENT_DROP);
    }

    public float publishEmaDecay() {
        return getDouble(PUBLISH_EMA_DECAY).floatValue();
    }

    /** What every student of this trainer shares, on {@code device}. */
    public StudentSetup studentSetup(Device device) {
        return new StudentSetup(architecture(), device, temperature(), alpha(), optimizer(), emaDecay(), mutualPeers(),
                gradientClipNorm(), publishEmaDecay());
    }

    public String device() {
        return getString(DEVICE);
    }

    public String groupId() {
        String configured = getString(GROUP_ID);
        return configured.isBlank() ? "kd-trainer-" + modelName() : configured;
    }

    public String transactionalId() {
        String configured = getString(TRANSACTIONAL_ID);
        return configured.isBlank() ? "kd-trainer-" + modelName() : configured;
    }

    private int transactionTimeoutMs() {
        Object configured = originals().get(KAFKA_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        if (configured == null) {
            return KAFKA_DEFAULT_TRANSACTION_TIMEOUT_MS;
        }
        try {
            return Integer.parseInt(String.valueOf(configured).trim());
        } catch (NumberFormatException e) {
            return KAFKA_DEFAULT_TRANSACTION_TIMEOUT_MS;
        }
    }

    /** Accepts what {@link Architecture#parse} accepts and passes on its message, which names the wrong part. */
    private static final class ArchitectureSpec implements ConfigDef.Validator {

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || String.valueOf(value).isBlank()) {
                return;
            }
            try {
                Architecture.parse(String.valueOf(value));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "empty (the task's default), mlp:<input>-<hidden...>-<classes> or cnn:[<C>x]<H>x<W>-<c1>-<c2>-<hidden>-<classes>, "
                    + "optional :dropout=<0..1>, optional :norm (mlp)";
        }
    }
}

package io.kdstream.teacher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kdstream.core.config.ServiceConfig;
import io.kdstream.core.config.TaskSetting;
import io.kdstream.core.task.TaskContract;
import io.kdstream.teacher.model.TeacherStore;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the teacher service. Which teacher labels the traffic: the trained teacher in
 * {@value #TEACHER_DIR} (the default), a TorchScript file ({@value #TEACHER_TORCHSCRIPT_PATH}), or a weighted
 * ensemble ({@value #ENSEMBLE_MEMBERS}), all made for the task of {@value TaskSetting#KEY}. The Markdown table in docs/teacher.md is generated from {@link #DEFINITION}.
 */
public final class TeacherConfig extends ServiceConfig {

    public static final int DEFAULT_METRICS_PORT = 9401;

    public static final String TEACHER_DIR = "teacher.dir";
    public static final String TEACHER_TORCHSCRIPT_PATH = "teacher.torchscript.path";
    public static final String TEACHER_INPUT_SHAPE = "teacher.input.shape";
    public static final String TEACHER_CLASSES = "teacher.classes";
    public static final String TEACHER_ID = "teacher.id";
    public static final String ENSEMBLE_MEMBERS = "ensemble.members";
    public static final String ENSEMBLE_WEIGHTS = "ensemble.weights";
    public static final String ENSEMBLE_AVERAGE = "ensemble.average";
    public static final String ENSEMBLE_ID = "ensemble.id";
    public static final String TEMPERATURE = "temperature";
    public static final String OUTPUT_TOP_K = "output.top.k";
    public static final String BATCH_MAX = "batch.max";
    public static final String BATCH_MAX_GPU = "batch.max.gpu";
    public static final String BATCH_WAIT_MS = "batch.wait.ms";
    public static final String INFLIGHT_MAX_RECORDS = "inflight.max.records";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String INFERENCE_THREADS = "inference.threads";
    public static final String GROUP_ID = "group.id";
    public static final String DEVICE = "device";
    public static final String TRANSACTIONAL_ID_PREFIX = "transactional.id.prefix";
    public static final String INSTANCE_ID = "instance.id";

    public static final String AVERAGE_PROBABILITIES = "probabilities";
    public static final String AVERAGE_LOGITS = "logits";

    public static final ConfigDef DEFINITION = TaskSetting.define(commonDefinitions(DEFAULT_METRICS_PORT))
            .define(TEACHER_DIR, Type.STRING, "", Importance.HIGH,
                    "Folder of the trained teacher (teacher.params + teacher.json, written by 'kd teacher train'). "
                            + "Empty means $KD_HOME/teacher, KD_HOME defaulting to ~/.kd.")
            .define(TEACHER_TORCHSCRIPT_PATH, Type.STRING, "", Importance.HIGH,
                    "A TorchScript file to label with instead of the trained teacher (bring your own teacher). It must map "
                            + "a float batch of teacher.input.shape to one logit per class of the task. Its task is the one "
                            + "a sidecar task file beside it declares (model.pt -> model.task.json), else the configured task.")
            .define(TEACHER_INPUT_SHAPE, Type.LIST, "", positiveInts(), Importance.MEDIUM,
                    "Shape of one example a TorchScript teacher takes, without the batch dimension; empty means the "
                            + "task's input shape. It must hold as many elements as the task's input (784 as 784 or 1,28,28).")
            .define(TEACHER_CLASSES, Type.INT, null, nullOrAtLeastTwo(), Importance.LOW,
                    "Deprecated: the task's class names give the class count. When set it must equal the task's class count.")
            .define(TEACHER_ID, Type.STRING, "", Importance.LOW,
                    "Teacher id written into soft labels for a TorchScript teacher; empty uses the file name without extension.")
            .define(ENSEMBLE_MEMBERS, Type.LIST, "", Importance.HIGH,
                    "Two or more teachers averaged into one label: each a trained-teacher folder or a .pt TorchScript file "
                            + "(TorchScript members use teacher.input.shape and their sidecar task file). All must share one "
                            + "task. Overrides teacher.dir.")
            .define(ENSEMBLE_WEIGHTS, Type.LIST, "", Importance.MEDIUM,
                    "One positive weight per ensemble member, normalised to sum to 1; empty gives every member the same weight.")
            .define(ENSEMBLE_AVERAGE, Type.STRING, AVERAGE_PROBABILITIES, ValidString.in(AVERAGE_PROBABILITIES, AVERAGE_LOGITS),
                    Importance.MEDIUM, "How members are combined: the weighted mean of their probabilities softened at T, "
                            + "or the weighted mean of their logits softened afterwards.")
            .define(ENSEMBLE_ID, Type.STRING, "ensemble", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Teacher id written into soft labels made by an ensemble.")
            .define(TEMPERATURE, Type.DOUBLE, 4.0, positive(), Importance.HIGH,
                    "Temperature T the probabilities are softened at: softmax(logits / T). Every label carries T, so trainers "
                            + "can re-temper.")
            .define(OUTPUT_TOP_K, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Publish only the k most likely classes plus the remaining tail mass (for large class counts); 0 publishes "
                            + "the dense vector.")
            .define(BATCH_MAX, Type.INT, 64, Range.between(1, 65536), Importance.MEDIUM,
                    "Largest batch per teacher call on a CPU. A batch closes when full or when batch.wait.ms has passed "
                            + "since its first example.")
            .define(BATCH_MAX_GPU, Type.INT, 256, Range.between(1, 65536), Importance.MEDIUM,
                    "Largest batch per teacher call when the teacher runs on a GPU, which needs bigger batches to stay busy.")
            .define(BATCH_WAIT_MS, Type.INT, 5, Range.between(0, 60_000), Importance.MEDIUM,
                    "Longest wait for a batch to fill, from its first example; bounds the latency batching adds.")
            .define(INFLIGHT_MAX_RECORDS, Type.INT, 1024, Range.atLeast(1), Importance.LOW,
                    "Records read but not yet labelled above which the service pauses its partitions (backpressure); it "
                            + "resumes below half. It may overshoot by one poll (kafka.max.poll.records).")
            .define(COMMIT_INTERVAL_MS, Type.INT, 100, Range.between(1, 60_000), Importance.LOW,
                    "How often the open Kafka transaction (labels, dead letters and consumed offsets) is committed; "
                            + "read_committed readers see labels after the commit.")
            .define(INFERENCE_THREADS, Type.INT, 0, Range.between(0, 1024), Importance.LOW,
                    "PyTorch CPU threads per teacher call, set on the inference thread; 0 means one fewer than the cores "
                            + "(at least 1), which leaves a core to the Kafka clients: PyTorch's threads wait for each other "
                            + "at every operation, so sharing all cores with busy I/O threads makes them slower, not faster.")
            .define(GROUP_ID, Type.STRING, "kd-teacher", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Consumer group of the teacher instances; instances in one group share the traffic partitions.")
            .define(DEVICE, Type.STRING, "auto", ValidString.in("auto", "cpu", "gpu"), Importance.MEDIUM,
                    "Where the teacher runs: auto (the first GPU when PyTorch sees one), cpu or gpu.")
            .define(TRANSACTIONAL_ID_PREFIX, Type.STRING, "kd-teacher", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Prefix of the transactional id; each instance uses <prefix>-<instance.id>.")
            .define(INSTANCE_ID, Type.STRING, "", Importance.MEDIUM,
                    "This instance's stable, unique name (a pod ordinal, say). A restarted instance with the same id aborts "
                            + "its predecessor's unfinished transaction at once; empty picks a random id, and an unfinished "
                            + "transaction then holds read_committed readers back until kafka.transaction.timeout.ms (10 s).");

    public TeacherConfig(Map<String, ?> originals) {
        super(DEFINITION, originals);
    }

    @Override
    protected List<String> crossFieldProblems() {
        List<String> problems = new ArrayList<>();
        List<String> members = getList(ENSEMBLE_MEMBERS);
        List<String> weights = getList(ENSEMBLE_WEIGHTS);
        if (!members.isEmpty() && !torchScriptPath().isEmpty()) {
            problems.add(ENSEMBLE_MEMBERS + " and " + TEACHER_TORCHSCRIPT_PATH + " are both set: set only one of them "
                    + "(a TorchScript file can be an ensemble member)");
        }
        if (members.size() == 1) {
            problems.add(ENSEMBLE_MEMBERS + " names one teacher: an ensemble needs at least two; for a single teacher use "
                    + TEACHER_DIR + " or " + TEACHER_TORCHSCRIPT_PATH);
        }
        if (!weights.isEmpty() && weights.size() != members.size()) {
            problems.add(ENSEMBLE_WEIGHTS + " has " + weights.size() + " values but " + ENSEMBLE_MEMBERS + " has "
                    + members.size() + " members: give one weight per member, or leave " + ENSEMBLE_WEIGHTS + " empty for equal weights");
        }
        for (String weight : weights) {
            if (!isPositiveNumber(weight)) {
                problems.add(ENSEMBLE_WEIGHTS + " value '" + weight + "' is not a positive number: use weights such as 0.7,0.3");
            }
        }
        int largestBatch = Math.max(getInt(BATCH_MAX), getInt(BATCH_MAX_GPU));
        if (getInt(INFLIGHT_MAX_RECORDS) < largestBatch) {
            problems.add(INFLIGHT_MAX_RECORDS + " (" + getInt(INFLIGHT_MAX_RECORDS) + ") is below the largest batch ("
                    + largestBatch + "): raise " + INFLIGHT_MAX_RECORDS + " or lower " + BATCH_MAX + " / " + BATCH_MAX_GPU);
        }
        TaskContract task = task();
        int topK = getInt(OUTPUT_TOP_K);
        if (topK > 0 && topK >= task.classCount()) {
            problems.add(OUTPUT_TOP_K + " (" + topK + ") must be below the " + task.classCount() + " classes of "
                    + TaskSetting.KEY + " " + task.name() + ": lower it, or set it to 0 for dense labels");
        }
        Integer classes = getInt(TEACHER_CLASSES);
        if (classes != null && classes != task.classCount()) {
            problems.add(TEACHER_CLASSES + " (" + classes + ") disagrees with the " + task.classCount() + " classes of "
                    + TaskSetting.KEY + " " + task.name() + ": remove " + TEACHER_CLASSES + " (the task names the classes)");
        }
        long[] shape = teacherInputShape(task);
        long elements = 1;
        for (long dimension : shape) {
            elements *= dimension;
        }
        if (elements != task.inputSize()) {
            problems.add(TEACHER_INPUT_SHAPE + " " + getList(TEACHER_INPUT_SHAPE) + " holds " + elements + " elements but "
                    + TaskSetting.KEY + " " + task.name() + " has inputs " + task.inputDescription() + " (" + task.inputSize()
                    + " elements): leave " + TEACHER_INPUT_SHAPE + " empty to use the task's shape");
        }
        return problems;
    }

    /** The trained teacher's folder: {@value #TEACHER_DIR}, or {@link TeacherStore#defaultDir()} when empty. */
    public Path teacherDir() {
        String dir = getString(TEACHER_DIR);
        return dir.isBlank() ? TeacherStore.defaultDir() : Path.of(dir);
    }

    public String torchScriptPath() {
        return getString(TEACHER_TORCHSCRIPT_PATH).trim();
    }

    /** The task every teacher of this service must have been made for, and traffic must fit. */
    public TaskContract task() {
        return TaskSetting.of(this);
    }

    /** The shape a TorchScript teacher of {@code task} takes: {@value #TEACHER_INPUT_SHAPE}, or the task's shape when empty. */
    public long[] teacherInputShape(TaskContract task) {
        List<String> configured = getList(TEACHER_INPUT_SHAPE);
        return configured.isEmpty()
                ? task.shape().stream().mapToLong(Integer::longValue).toArray()
                : configured.stream().mapToLong(value -> Long.parseLong(value.trim())).toArray();
    }

    public String teacherId() {
        return getString(TEACHER_ID).trim();
    }

    public List<String> ensembleMembers() {
        return getList(ENSEMBLE_MEMBERS).stream().map(String::trim).toList();
    }

    /** One weight per member, or all equal when {@value #ENSEMBLE_WEIGHTS} is empty; not yet normalised. */
    public List<Double> ensembleWeights() {
        List<String> weights = getList(ENSEMBLE_WEIGHTS);
        return weights.isEmpty()
                ? ensembleMembers().stream().map(member -> 1.0).toList()
                : weights.stream().map(weight -> Double.parseDouble(weight.trim())).toList();
    }

    public boolean averageLogits() {
        return getString(ENSEMBLE_AVERAGE).equals(AVERAGE_LOGITS);
    }

    public String ensembleId() {
        return getString(ENSEMBLE_ID);
    }

    public float temperature() {
        return getDouble(TEMPERATURE).floatValue();
    }

    public int outputTopK() {
        return getInt(OUTPUT_TOP_K);
    }

    /** The batch limit for where the teacher runs. */
    public int batchMax(boolean onGpu) {
        return getInt(onGpu ? BATCH_MAX_GPU : BATCH_MAX);
    }

    public int batchWaitMs() {
        return getInt(BATCH_WAIT_MS);
    }

    public int inflightMaxRecords() {
        return getInt(INFLIGHT_MAX_RECORDS);
    }

    public int commitIntervalMs() {
        return getInt(COMMIT_INTERVAL_MS);
    }

    /** {@value #INFERENCE_THREADS}, with 0 resolved to one fewer than the cores, at least 1. */
    public int inferenceThreads() {
        int threads = getInt(INFERENCE_THREADS);
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    public String device() {
        return getString(DEVICE);
    }

    public String transactionalIdPrefix() {
        return getString(TRANSACTIONAL_ID_PREFIX);
    }

    /** {@value #INSTANCE_ID}, or empty when a random one should be picked. */
    public String instanceId() {
        return getString(INSTANCE_ID).trim();
    }

    private static ConfigDef.Validator positive() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (!(value instanceof Double number) || !(number > 0) || number.isInfinite()) {
                throw new ConfigException(name, value, "must be a positive number");
            }
        }, () -> "(0,...)");
    }

    private static ConfigDef.Validator positiveInts() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            for (Object item : (List<?>) value) {
                try {
                    if (Long.parseLong(String.valueOf(item).trim()) < 1) {
                        throw new ConfigException(name, value, "dimensions must be positive but found " + item);
                    }
                } catch (NumberFormatException e) {
                    throw new ConfigException(name, value, "'" + item + "' is not a whole number");
                }
            }
        }, () -> "empty, or positive whole numbers, e.g. 1,28,28");
    }

    private static ConfigDef.Validator nullOrAtLeastTwo() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null && (Integer) value < 2) {
                throw new ConfigException(name, value, "a classifier has at least 2 classes");
            }
        }, () -> "unset, or [2,...]");
    }

    private static boolean isPositiveNumber(String text) {
        try {
            double value = Double.parseDouble(text.trim());
            return value > 0 && Double.isFinite(value);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

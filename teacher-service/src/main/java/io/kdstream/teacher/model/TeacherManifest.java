package io.kdstream.teacher.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.task.TaskFiles;

/**
 * What {@code teacher.json} says about the stored weights: who the teacher is, which task it was made for, how good
 * it is, and the sha256 the weights are checked against before anything is labelled with them.
 *
 * @param id              a stable name, e.g. {@code fashion-cnn}
 * @param version         the first 12 hex digits of {@code sha256}
 * @param architecture    the {@link io.kdstream.core.model.Architecture} spec the weights belong to
 * @param format          the weights' format, {@link io.kdstream.core.model.WeightsCodec#FORMAT}
 * @param testAccuracy    top-1 accuracy on the task's test examples (0–1)
 * @param parameters      trainable parameters
 * @param latencyMs       median time of one single-example forward pass, measured after training
 * @param trainedAt       when training finished, ISO-8601 UTC
 * @param trainingSeconds wall time of training and evaluation
 * @param sha256          SHA-256 of {@code teacher.params}
 * @param task            the task the teacher takes and gives, a nested object in task-file form; manifests written
 *                        before tasks existed have none and were all Fashion-MNIST teachers
 */
public record TeacherManifest(
        @JsonProperty("id") String id,
        @JsonProperty("version") String version,
        @JsonProperty("architecture") String architecture,
        @JsonProperty("format") String format,
        @JsonProperty("test_accuracy") double testAccuracy,
        @JsonProperty("parameters") long parameters,
        @JsonProperty("latency_ms") double latencyMs,
        @JsonProperty("trained_at") String trainedAt,
        @JsonProperty("training_seconds") double trainingSeconds,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("task") @JsonSerialize(converter = TaskToJson.class) @JsonDeserialize(converter = JsonToTask.class)
        TaskContract task) {

    /** Hex digits of the weights' sha256 that make the version. */
    public static final int VERSION_LENGTH = 12;

    public TeacherManifest {
        task = task == null ? BuiltInTasks.FASHION_MNIST : task;
    }

    /** A Fashion-MNIST teacher's manifest, as written before tasks existed. */
    public TeacherManifest(String id, String version, String architecture, String format, double testAccuracy,
                           long parameters, double latencyMs, String trainedAt, double trainingSeconds, String sha256) {
        this(id, version, architecture, format, testAccuracy, parameters, latencyMs, trainedAt, trainingSeconds, sha256,
                BuiltInTasks.FASHION_MNIST);
    }

    public static String versionOf(String sha256) {
        return sha256.substring(0, VERSION_LENGTH);
    }

    static final class TaskToJson extends StdConverter<TaskContract, JsonNode> {
        @Override
        public JsonNode convert(TaskContract task) {
            return TaskFiles.toJson(task);
        }
    }

    /** Reads the nested task with the task-file rules, so a hand-edited manifest gets every mistake named. */
    static final class JsonToTask extends StdConverter<JsonNode, TaskContract> {
        @Override
        public TaskContract convert(JsonNode task) {
            return task == null || task.isNull() ? null : TaskFiles.parse(task.toString(), "teacher.json task");
        }
    }
}

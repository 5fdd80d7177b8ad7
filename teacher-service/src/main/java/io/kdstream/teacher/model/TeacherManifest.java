package io.kdstream.teacher.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What {@code teacher.json} says about the stored weights: who the teacher is, how good it is, and the sha256 the
 * weights are checked against before anything is labelled with them.
 *
 * @param id              a stable name, e.g. {@code fashion-cnn}
 * @param version         the first 12 hex digits of {@code sha256}
 * @param architecture    the {@link io.kdstream.core.model.Architecture} spec the weights belong to
 * @param format          the weights' format, {@link io.kdstream.core.model.WeightsCodec#FORMAT}
 * @param testAccuracy    top-1 accuracy on the 10,000 Fashion-MNIST test images (0–1)
 * @param parameters      trainable parameters
 * @param latencyMs       median time of one single-example forward pass, measured after training
 * @param trainedAt       when training finished, ISO-8601 UTC
 * @param trainingSeconds wall time of training and evaluation
 * @param sha256          SHA-256 of {@code teacher.params}
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
        @JsonProperty("sha256") String sha256) {

    /** Hex digits of the weights' sha256 that make the version. */
    public static final int VERSION_LENGTH = 12;

    public static String versionOf(String sha256) {
        return sha256.substring(0, VERSION_LENGTH);
    }
}

/**
 * The student trainer service: {@link io.kdstream.trainer.StudentTrainer} reads soft labels (or raw traffic),
 * distils them into the student and publishes exactly-once checkpoints; {@link io.kdstream.trainer.TrainerConfig}
 * holds its settings and {@link io.kdstream.trainer.TrainerMetrics} its meters.
 */
package io.kdstream.trainer;

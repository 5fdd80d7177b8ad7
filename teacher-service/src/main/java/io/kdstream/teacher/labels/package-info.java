/**
 * Writing kd-soft-labels: one teacher call per batch, each output row checked to be finite and turned into a
 * dense or top-k soft label carrying T, the teacher's identity and the input it describes.
 */
package io.kdstream.teacher.labels;

/**
 * Knowledge distillation: the loss that mixes the teacher's softened distribution with true labels, and the
 * reading of soft labels (dense or sparse top-k) re-tempered to the trainer's own temperature.
 */
package io.kdstream.core.distill;

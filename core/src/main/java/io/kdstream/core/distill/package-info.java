/**
 * Knowledge distillation: the response loss that mixes the teacher's softened distribution with true labels, the
 * reading of soft labels (dense or sparse top-k) re-tempered to the trainer's own temperature, and the feature
 * losses (FitNets hints, attention transfer, similarity-preserving, relational, contrastive and adversarial KD) that
 * {@link io.kdstream.core.distill.FeatureDistillationLoss} adds to the response loss by weights.
 */
package io.kdstream.core.distill;

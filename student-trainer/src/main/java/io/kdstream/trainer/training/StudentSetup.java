package io.kdstream.trainer.training;

import ai.djl.Device;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;

/**
 * What every student of a run shares: architecture, device, distillation temperature and α, optimizer, gradient
 * clipping, and the mode-specific knobs (EMA decay for self-distillation, peer count for mutual distillation, the
 * decay of the published weight average in teacher mode).
 *
 * @param gradientClipNorm the largest joint L2 norm of a step's gradients, 0 for no clipping
 * @param publishEmaDecay  teacher mode: publish an exponential moving average of the student's weights with this
 *                         decay instead of the raw weights; 0 publishes the raw weights
 */
public record StudentSetup(Architecture architecture, Device device, float temperature, float alpha,
                           OptimizerSettings optimizer, float emaDecay, int peers, float gradientClipNorm,
                           float publishEmaDecay) {

    /** A setup without gradient clipping that publishes the raw weights. */
    public StudentSetup(Architecture architecture, Device device, float temperature, float alpha,
                        OptimizerSettings optimizer, float emaDecay, int peers) {
        this(architecture, device, temperature, alpha, optimizer, emaDecay, peers, 0f, 0f);
    }

    /** A learner of this setup, starting from {@code weights} or, when null, from a fresh initialisation. */
    public Learner newLearner(byte[] weights) {
        return new Learner(architecture, device, new DistillationLoss(temperature, alpha), optimizer, weights, gradientClipNorm);
    }
}

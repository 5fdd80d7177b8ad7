package io.kdstream.trainer.training;

import ai.djl.Device;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;

/**
 * What every student of a run shares: architecture, device, distillation temperature and α, optimizer, and the
 * mode-specific knobs (EMA decay for self-distillation, peer count for mutual distillation).
 */
public record StudentSetup(Architecture architecture, Device device, float temperature, float alpha,
                           OptimizerSettings optimizer, float emaDecay, int peers) {

    /** A learner of this setup, starting from {@code weights} or, when null, from a fresh initialisation. */
    public Learner newLearner(byte[] weights) {
        return new Learner(architecture, device, new DistillationLoss(temperature, alpha), optimizer, weights);
    }
}

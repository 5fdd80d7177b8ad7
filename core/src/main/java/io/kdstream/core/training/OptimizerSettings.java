package io.kdstream.core.training;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;

/**
 * How parameters move: optimizer, learning rate and its schedule.
 *
 * @param optimizer     {@code adam} or {@code sgd} (with Nesterov momentum 0.9)
 * @param learningRate  the base learning rate
 * @param schedule      {@code fixed}, or {@code cosine} decaying to 5% of the base over {@code scheduleSteps}
 * @param scheduleSteps optimizer steps of one cosine cycle
 * @param weightDecay   L2 weight decay
 */
public record OptimizerSettings(String optimizer, float learningRate, String schedule, int scheduleSteps, float weightDecay) {

    public static final OptimizerSettings DEFAULT = new OptimizerSettings("adam", 1e-3f, "fixed", 1, 0f);

    public OptimizerSettings {
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("optimizer must be adam or sgd but is '" + optimizer + "'");
        }
        if (!schedule.equals("fixed") && !schedule.equals("cosine")) {
            throw new IllegalArgumentException("schedule must be fixed or cosine but is '" + schedule + "'");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0 but is " + learningRate);
        }
        if (scheduleSteps < 1) {
            throw new IllegalArgumentException("schedule steps must be >= 1 but is " + scheduleSteps);
        }
    }

    Optimizer build() {
        Tracker rate = schedule.equals("cosine")
                ? CosineTracker.builder().setBaseValue(learningRate).optFinalValue(learningRate * 0.05f)
                        .setMaxUpdates(scheduleSteps).build()
                : Tracker.fixed(learningRate);
        return optimizer.equals("adam")
                ? Optimizer.adam().optLearningRateTracker(rate).optWeightDecays(weightDecay).build()
                : Optimizer.sgd().setLearningRateTracker(rate).optMomentum(0.9f).optWeightDecays(weightDecay).build();
    }
}

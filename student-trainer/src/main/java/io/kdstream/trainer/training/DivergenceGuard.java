package io.kdstream.trainer.training;

import java.util.List;
import java.util.Map;

import io.kdstream.schemas.HoldoutScores;
import io.kdstream.trainer.labels.Example;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a distiller from publishing or training on after it diverged: when a weight turns NaN or infinite, or a
 * snapshot agrees with its reference on the held-out examples by more than {@code maxAgreementDrop} less than the
 * last good snapshot does on the same examples, the distiller is replaced by a fresh one built from the last good
 * snapshot's weights. The replacement starts with a fresh optimizer state (Adam's moments of the diverged run would
 * push it the same way again). What was trained since the last good snapshot is lost; the examples still count as
 * consumed.
 *
 * <p>The holdout comparison is paired: only when the new scores fall below the last good ones by more than the
 * allowance is the last good snapshot scored again on the very same examples, so that a holdout slice that moved
 * with the stream (a drift) does not pass for a collapse.
 *
 * <p>Used by the training thread only, like the distiller it wraps.
 */
public final class DivergenceGuard implements Distiller {

    private static final Logger LOG = LoggerFactory.getLogger(DivergenceGuard.class);

    /** Why a distiller was rolled back; the tag of the rollback counter. */
    public enum Cause {
        NON_FINITE_WEIGHTS("non-finite-weights"),
        HOLDOUT_REGRESSION("holdout-regression");

        private final String tag;

        Cause(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** Builds a distiller from weights (null: fresh) and auxiliary weights. */
    @FunctionalInterface
    public interface Factory {
        Distiller create(byte[] weights, Map<String, byte[]> auxiliary);
    }

    /** Told about every rollback (the trainer's metrics). */
    @FunctionalInterface
    public interface Listener {
        void rolledBack(Cause cause);
    }

    private final String model;
    private final Factory factory;
    private final double maxAgreementDrop;
    private final Listener listener;
    private Distiller distiller;
    private Snapshot lastGood;

    /**
     * @param model            the model's name, for the log
     * @param maxAgreementDrop the holdout agreement a snapshot may lose against the last good one; 0 turns the
     *                         holdout check off (non-finite weights are always rolled back)
     */
    public DivergenceGuard(String model, Factory factory, byte[] weights, Map<String, byte[]> auxiliary,
                           double maxAgreementDrop, Listener listener) {
        this.model = model;
        this.factory = factory;
        this.maxAgreementDrop = maxAgreementDrop;
        this.listener = listener;
        this.distiller = factory.create(weights, auxiliary);
        this.lastGood = distiller.snapshot(List.of());
    }

    @Override
    public float step(Batch batch) {
        float loss = distiller.step(batch);
        if (!Float.isFinite(loss) && !distiller.healthy()) {
            rollBack(Cause.NON_FINITE_WEIGHTS, "a step with loss " + loss + " left non-finite weights or gradients");
        }
        return loss;
    }

    @Override
    public boolean healthy() {
        return distiller.healthy();
    }

    @Override
    public Snapshot snapshot(List<Example> holdout) {
        if (!distiller.healthy()) {
            rollBack(Cause.NON_FINITE_WEIGHTS, "a weight is NaN or infinite");
            return distiller.snapshot(holdout);
        }
        Snapshot candidate = distiller.snapshot(holdout);
        if (maxAgreementDrop > 0 && !holdout.isEmpty() && fellBelow(candidate.scores(), lastGood.scores())) {
            HoldoutScores before;
            try (Distiller previous = factory.create(lastGood.weights(), lastGood.auxiliary())) {
                before = previous.snapshot(holdout).scores();
            }
            if (fellBelow(candidate.scores(), before)) {
                rollBack(Cause.HOLDOUT_REGRESSION, "holdout agreement " + candidate.scores().getAgreement()
                        + " against " + before.getAgreement() + " of the last good weights on the same "
                        + holdout.size() + " examples");
                candidate = distiller.snapshot(holdout);
            }
        }
        lastGood = candidate;
        return candidate;
    }

    @Override
    public void close() {
        distiller.close();
    }

    private boolean fellBelow(HoldoutScores candidate, HoldoutScores reference) {
        return reference.getExamples() > 0 && !(candidate.getAgreement() >= reference.getAgreement() - maxAgreementDrop);
    }

    private void rollBack(Cause cause, String detail) {
        LOG.warn("Student '{}' diverged ({}): {}; rolling back to its last good weights with a fresh optimizer state",
                model, cause.tag(), detail);
        listener.rolledBack(cause);
        distiller.close();
        distiller = factory.create(lastGood.weights(), lastGood.auxiliary());
    }
}

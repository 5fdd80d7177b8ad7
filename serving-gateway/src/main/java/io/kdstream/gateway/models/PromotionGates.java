package io.kdstream.gateway.models;

import java.util.Locale;
import java.util.Random;

import ai.djl.Device;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.core.task.InvalidTaskException;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.HoldoutScores;

/**
 * The checks a reassembled checkpoint passes before it may serve: a known weight format, a task contract that is
 * the one served (or the one the gateway's {@code task} setting pins), an architecture that fits that contract,
 * holdout agreement at or above the floor and not too far below the served model's, weights that load, and finite
 * probabilities on a golden batch made from the contract. The cheap manifest checks run before loading.
 *
 * <p>Refusing every checkpoint of another task keeps the served contract, and so the input size of every request,
 * fixed for the life of the gateway once the first checkpoint serves.
 */
public final class PromotionGates {

    static final int GOLDEN_ROWS = 16;

    /** A loaded classifier that passed every gate, or the reason and detail of the refusal. */
    public record Verdict(Classifier classifier, String reason, String detail) {

        static Verdict refused(String reason, String detail) {
            return new Verdict(null, reason, detail);
        }

        public boolean passed() {
            return classifier != null;
        }
    }

    private final double minAgreement;
    private final double maxDrop;
    private final Device device;
    private final TaskContract pinnedTask;

    /** Gates that follow the task of the first good checkpoint. */
    public PromotionGates(double minAgreement, double maxDrop, Device device) {
        this(minAgreement, maxDrop, device, null);
    }

    /** @param pinnedTask the only task served (the gateway's {@code task} setting), or null to follow the first good checkpoint */
    public PromotionGates(double minAgreement, double maxDrop, Device device, TaskContract pinnedTask) {
        this.minAgreement = minAgreement;
        this.maxDrop = maxDrop;
        this.device = device;
        this.pinnedTask = pinnedTask;
    }

    /**
     * @param served the manifest of the model being served, or null when none is
     * @return a verdict; when it passed, the caller owns its classifier
     */
    public Verdict evaluate(Checkpoint manifest, byte[] weights, Checkpoint served) {
        if (!WeightsCodec.FORMAT.equals(manifest.getFormat())) {
            return Verdict.refused(RefusalReasons.BAD_FORMAT,
                    "expected weight format " + WeightsCodec.FORMAT + " but found " + manifest.getFormat());
        }
        Architecture architecture;
        try {
            architecture = Architecture.parse(manifest.getArchitecture());
        } catch (IllegalArgumentException e) {
            return Verdict.refused(RefusalReasons.BAD_ARCHITECTURE, e.getMessage());
        }
        TaskContract task;
        try {
            task = TaskContract.ofManifest(manifest.getTask());
        } catch (InvalidTaskException e) {
            return Verdict.refused(RefusalReasons.BAD_TASK, e.getMessage());
        }
        String taskMismatch = taskMismatch(task, served);
        if (taskMismatch != null) {
            return Verdict.refused(RefusalReasons.TASK_MISMATCH, taskMismatch);
        }
        String misfit = architecture.mismatchWith(task);
        if (misfit != null) {
            return Verdict.refused(RefusalReasons.BAD_ARCHITECTURE, misfit);
        }
        Verdict holdout = holdoutGates(manifest.getHoldout(), served);
        if (holdout != null) {
            return holdout;
        }
        Classifier classifier;
        try {
            classifier = load(architecture, weights);
        } catch (IllegalArgumentException e) {
            return Verdict.refused(RefusalReasons.LOAD_FAILED, e.getMessage());
        }
        String problem = goldenBatchProblem(classifier, task);
        if (problem != null) {
            classifier.close();
            return Verdict.refused(RefusalReasons.NON_FINITE_OUTPUT, problem);
        }
        return new Verdict(classifier, null, null);
    }

    /** Why a checkpoint of {@code task} may not replace what is served (or what the {@code task} setting pins), or null. */
    private String taskMismatch(TaskContract task, Checkpoint served) {
        if (served != null) {
            String mismatch = TaskContract.ofManifest(served.getTask()).mismatchWith(task);
            return mismatch == null ? null : mismatch + " (served by version " + served.getVersion()
                    + "; a gateway serves one task for its whole life: start another gateway for another task)";
        }
        if (pinnedTask != null) {
            String mismatch = pinnedTask.mismatchWith(task);
            return mismatch == null ? null : mismatch + " (pinned by the gateway's task setting)";
        }
        return null;
    }

    /** Loads weights that passed their gates before (a rollback or pin target). */
    Classifier load(Architecture architecture, byte[] weights) {
        return Classifier.fromWeights(architecture, weights, device);
    }

    private Verdict holdoutGates(HoldoutScores holdout, Checkpoint served) {
        if (holdout.getExamples() <= 0) {
            return Verdict.refused(RefusalReasons.NO_HOLDOUT, "the checkpoint was scored on 0 holdout examples");
        }
        float agreement = holdout.getAgreement();
        if (!(agreement >= minAgreement)) {
            return Verdict.refused(RefusalReasons.BELOW_FLOOR, "holdout agreement " + agreement
                    + " is below gate.min.agreement " + minAgreement);
        }
        if (served != null) {
            HoldoutScores servedHoldout = served.getHoldout();
            double allowed = maxDrop + 2 * standardErrorOfDifference(holdout, servedHoldout);
            if (agreement < servedHoldout.getAgreement() - allowed) {
                return Verdict.refused(RefusalReasons.AGREEMENT_DROP, String.format(Locale.ROOT,
                        "holdout agreement %.4f (%d examples) is more than gate.max.drop %.3f plus two standard errors "
                                + "(%.4f in all) below the served version %d's %.4f (%d examples)", agreement, holdout.getExamples(),
                        maxDrop, allowed, served.getVersion(), servedHoldout.getAgreement(), servedHoldout.getExamples()));
            }
        }
        return null;
    }

    /**
     * The standard error of the difference of two agreement rates measured on independent holdout samples. Each rate
     * is smoothed as (hits + 1) / (n + 2) first, so a perfect score on a handful of examples (an early checkpoint's
     * 3 of 3) counts as the weak evidence it is instead of blocking every later checkpoint.
     */
    static double standardErrorOfDifference(HoldoutScores a, HoldoutScores b) {
        return Math.sqrt(smoothedVariance(a) + smoothedVariance(b));
    }

    private static double smoothedVariance(HoldoutScores scores) {
        int n = Math.max(scores.getExamples(), 0);
        double p = (scores.getAgreement() * n + 1) / (n + 2);
        return p * (1 - p) / Math.max(n, 1);
    }

    private static String goldenBatchProblem(Classifier classifier, TaskContract task) {
        float[] probabilities = classifier.probabilities(goldenBatch(task), GOLDEN_ROWS, 1f);
        int classes = classifier.classes();
        for (int row = 0; row < GOLDEN_ROWS; row++) {
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                float p = probabilities[row * classes + k];
                if (!Float.isFinite(p)) {
                    return "golden example " + row + " gave probability " + p + " for class " + k;
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                return "golden example " + row + "'s probabilities sum to " + sum + " instead of 1";
            }
        }
        return null;
    }

    /**
     * Inputs any sane student answers with finite numbers: for a bounded task the low end, the high end, the middle
     * and seeded uniform values in the range; for an unbounded one zeros and seeded standard normal values.
     */
    static float[] goldenBatch(TaskContract task) {
        int size = task.inputSize();
        float[] batch = new float[GOLDEN_ROWS * size];
        Random random = new Random(784);
        for (int row = 0; row < GOLDEN_ROWS; row++) {
            for (int i = 0; i < size; i++) {
                batch[row * size + i] = task.bounded() ? switch (row) {
                    case 0 -> task.low();
                    case 1 -> task.high();
                    case 2 -> (task.low() + task.high()) / 2;
                    default -> task.low() + random.nextFloat() * (task.high() - task.low());
                } : row == 0 ? 0f : (float) random.nextGaussian();
            }
        }
        return batch;
    }
}

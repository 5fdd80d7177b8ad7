package io.kdstream.gateway.models;

import java.util.Locale;
import java.util.Random;

import ai.djl.Device;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.model.WeightsCodec;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.HoldoutScores;

/**
 * The checks a reassembled checkpoint passes before it may serve: a known weight format, an architecture that takes
 * the gateway's inputs, holdout agreement at or above the floor and not too far below the served model's, weights
 * that load, and finite probabilities on a fixed golden batch. The cheap manifest checks run before loading.
 */
public final class PromotionGates {

    /** The gateway's input: one 28×28 image, flattened, on the [0, 1] scale. */
    public static final int INPUT_SIZE = 28 * 28;
    static final int GOLDEN_ROWS = 16;
    private static final float[] GOLDEN_BATCH = goldenBatch();

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

    public PromotionGates(double minAgreement, double maxDrop, Device device) {
        this.minAgreement = minAgreement;
        this.maxDrop = maxDrop;
        this.device = device;
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
        if (architecture.inputSize() != INPUT_SIZE) {
            return Verdict.refused(RefusalReasons.BAD_ARCHITECTURE, "expected an architecture taking " + INPUT_SIZE
                    + " inputs but " + architecture + " takes " + architecture.inputSize());
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
        String problem = goldenBatchProblem(classifier);
        if (problem != null) {
            classifier.close();
            return Verdict.refused(RefusalReasons.NON_FINITE_OUTPUT, problem);
        }
        return new Verdict(classifier, null, null);
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

    private static String goldenBatchProblem(Classifier classifier) {
        float[] probabilities = classifier.probabilities(GOLDEN_BATCH, GOLDEN_ROWS, 1f);
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

    /** Blank, saturated, mid-grey and seeded random images: inputs any sane student answers with finite numbers. */
    private static float[] goldenBatch() {
        float[] batch = new float[GOLDEN_ROWS * INPUT_SIZE];
        Random random = new Random(784);
        for (int row = 0; row < GOLDEN_ROWS; row++) {
            for (int i = 0; i < INPUT_SIZE; i++) {
                batch[row * INPUT_SIZE + i] = switch (row) {
                    case 0 -> 0f;
                    case 1 -> 1f;
                    case 2 -> 0.5f;
                    default -> random.nextFloat();
                };
            }
        }
        return batch;
    }
}

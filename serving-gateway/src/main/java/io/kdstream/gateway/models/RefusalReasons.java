package io.kdstream.gateway.models;

/** Why a checkpoint was not served: bounded codes, used as metric tags and in {@code GET /v1/models}. */
public final class RefusalReasons {

    /** The manifest names a weight format the gateway cannot read. */
    public static final String BAD_FORMAT = "bad-format";
    /** The architecture spec does not parse, or does not fit the checkpoint's own task contract. */
    public static final String BAD_ARCHITECTURE = "bad-architecture";
    /** The manifest's task contract breaks a rule of contracts (a hand-made or hostile manifest). */
    public static final String BAD_TASK = "bad-task";
    /** The checkpoint is for another task than the one served, or than the gateway's {@code task} setting pins. */
    public static final String TASK_MISMATCH = "task-mismatch";
    /** The trainer scored the checkpoint on no holdout examples, so the gates cannot judge it. */
    public static final String NO_HOLDOUT = "no-holdout";
    /** Holdout agreement below {@code gate.min.agreement}. */
    public static final String BELOW_FLOOR = "below-floor";
    /**
     * Agreement more than {@code gate.max.drop} below the served model's: measured by the gateway on the same recent
     * examples (the paired gate), or from the manifests where no paired gate runs.
     */
    public static final String AGREEMENT_DROP = "agreement-drop";
    /** One class's paired agreement more than {@code gate.class.max.drop} below the served model's; the detail names it. */
    public static final String CLASS_REGRESSION = "class-regression";
    /**
     * Too few recent examples unseen by the candidate are held for the paired gate to judge it. Once a model serves this
     * is not a refusal: the candidate is {@code PENDING} and gated when they arrive (the swap outcome's reason).
     */
    public static final String TOO_FEW_EXAMPLES = "too-few-examples";
    /** The candidate answers another number of classes than the served model or the teacher's labels. */
    public static final String CLASS_COUNT = "class-count";
    /** The paired gate could not be computed (the served model failed on the sample, or an unexpected error). */
    public static final String GATE_FAILED = "gate-failed";
    /** The weights do not fit the architecture. */
    public static final String LOAD_FAILED = "load-failed";
    /** The golden batch or the gate's recent examples gave probabilities that are not finite or do not sum to 1. */
    public static final String NON_FINITE_OUTPUT = "non-finite-output";

    /** An admin rolled this version back (a {@code ServingDecision} on the checkpoint topic): never served again. */
    public static final String ROLLED_BACK = "rolled-back";

    private RefusalReasons() {
    }
}

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
    /** Holdout agreement more than {@code gate.max.drop} below the served model's. */
    public static final String AGREEMENT_DROP = "agreement-drop";
    /** The weights do not fit the architecture. */
    public static final String LOAD_FAILED = "load-failed";
    /** The golden batch gave probabilities that are not finite or do not sum to 1. */
    public static final String NON_FINITE_OUTPUT = "non-finite-output";

    private RefusalReasons() {
    }
}

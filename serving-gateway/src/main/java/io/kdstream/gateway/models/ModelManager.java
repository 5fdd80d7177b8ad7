package io.kdstream.gateway.models;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.GatewayMetrics.SwapOutcome;
import io.kdstream.gateway.examples.LabelledExample;
import io.kdstream.gateway.models.ModelHistory.Retained;
import io.kdstream.gateway.models.VersionRecord.Fate;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.ServingDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which checkpoint is served: new checkpoints offered by the follower go through the {@link PromotionGates}
 * and, once a model serves, the {@link PairedGate}, and are swapped in when they pass, unless an admin has pinned a
 * version; admins can also roll back to the previous good version. A candidate the paired gate has too few examples
 * for is kept pending (only the newest) and gated by {@link #gatePending} when they arrive. Decisions are serialised by this object's lock; the request path never takes it, it only
 * reads the {@link ModelSlot}.
 */
public final class ModelManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    private final PromotionGates gates;
    private final PairedGate pairedGate;
    private final ModelSlot slot;
    private final ModelHistory history;
    private final GatewayMetrics metrics;
    private Long pinned;
    /** Versions taken out by rollbacks, oldest first; never served again. */
    private final TreeSet<Long> rolledBack = new TreeSet<>();
    private ServingDecision lastDecision;
    /** The newest candidate that passed the manifest gates and waits for examples it has not trained on. */
    private Pending pending;

    /** A pending candidate's manifest and weights; it is loaded again when gated. */
    private record Pending(Checkpoint manifest, byte[] weights) {
    }

    /** Without a paired gate: candidates are judged on their manifests' holdout scores alone. */
    public ModelManager(PromotionGates gates, ModelSlot slot, int retained, GatewayMetrics metrics) {
        this(gates, null, slot, retained, metrics);
    }

    /** @param pairedGate judges candidates on the gateway's own recent examples; null to judge on manifests alone */
    public ModelManager(PromotionGates gates, PairedGate pairedGate, ModelSlot slot, int retained, GatewayMetrics metrics) {
        this.gates = gates;
        this.pairedGate = pairedGate;
        this.slot = slot;
        this.history = new ModelHistory(retained);
        this.metrics = metrics;
    }

    /**
     * Verifies a reassembled checkpoint and serves it when it passes. A version already decided, or not newer than
     * the served one, is ignored (the follower may see it again after its consumer restarts). With the paired gate, a
     * candidate that finds too few examples it has not trained on (after {@code gate.wait.ms}) is kept
     * {@link Fate#PENDING} and gated by {@link #gatePending} once they arrive; a newer candidate supersedes it.
     *
     * @return the decision, or null when the version was ignored
     */
    public VersionRecord offer(Checkpoint manifest, byte[] weights) {
        if (pairedGate == null) {
            return decide(manifest, weights, List.of());
        }
        if (ignored(manifest)) {
            return null;
        }
        // An older pending candidate goes first: the examples that came meanwhile may now be enough to gate it.
        gatePending();
        // Waiting for examples the candidate has not trained on happens outside the lock, so admin calls and
        // GET /v1/models are not held up; serving never takes the lock at all.
        List<LabelledExample> sample;
        try {
            sample = pairedGate.sample(manifest, slot.current() != null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refuse(manifest, RefusalReasons.GATE_FAILED, "interrupted while waiting for recent examples");
        }
        return decide(manifest, weights, sample);
    }

    /**
     * Gates the pending candidate if enough examples it has not trained on have arrived, or updates how many it has.
     * The checkpoint follower calls it after every poll, so a pending candidate is gated within a poll of its last
     * example arriving, also when the stream resumes after a pause and no newer checkpoint comes.
     *
     * @return the decision on the pending candidate, or null when none pends or it still waits
     */
    public VersionRecord gatePending() {
        Pending waiting;
        synchronized (this) {
            waiting = pending;
        }
        if (waiting == null) {
            return null;
        }
        List<LabelledExample> sample = pairedGate.unseen(waiting.manifest());
        if (sample.size() < pairedGate.settings().minExamples()) {
            updateProgress(waiting, sample.size());
            return null;
        }
        return decide(waiting.manifest(), waiting.weights(), sample);
    }

    /** The pending candidate's version, if one waits for examples. */
    public synchronized OptionalLong pendingVersion() {
        return pending == null ? OptionalLong.empty() : OptionalLong.of(pending.manifest().getVersion());
    }

    private synchronized boolean ignored(Checkpoint manifest) {
        if (awaitedPin(manifest)) {
            return false;
        }
        ServedModel served = slot.current();
        boolean known = history.known(manifest.getVersion()) && !isPending(manifest);
        return known || (served != null && manifest.getVersion() <= served.version());
    }

    private boolean isPending(Checkpoint manifest) {
        return pending != null && pending.manifest().getVersion() == manifest.getVersion();
    }

    /** True for the pinned version while this gateway lacks it: it is served once it passes the fixed gates. */
    private boolean awaitedPin(Checkpoint manifest) {
        return lacksPinnedWeights() && manifest.getVersion() == pinned;
    }

    private synchronized VersionRecord decide(Checkpoint manifest, byte[] weights, List<LabelledExample> sample) {
        if (ignored(manifest)) {
            if (isPending(manifest)) {
                pending = null; // a version at or above it serves now (an admin's unpin): nothing left to gate
            }
            return null;
        }
        boolean wasPending = isPending(manifest);
        if (wasPending) {
            // Its decision is recorded afresh, without the waiting detail.
            pending = null;
            history.forget(manifest.getVersion());
        }
        if (rolledBack.contains(manifest.getVersion())) {
            return refuse(manifest, RefusalReasons.ROLLED_BACK, "an admin rolled this version back: "
                    + (lastDecision == null ? "" : lastDecision.getAdmin() + " (" + lastDecision.getReason() + ")"));
        }
        ServedModel served = slot.current();
        // An admin pinned this version knowing the served one: it is not compared with it.
        boolean pin = awaitedPin(manifest);
        // With a paired gate the manifests' holdout scores, measured on different slices, are not compared.
        Checkpoint comparedManifest = served == null || pairedGate != null || pin ? null : served.manifest();
        PromotionGates.Verdict verdict = gates.evaluate(manifest, weights, comparedManifest);
        if (!verdict.passed()) {
            return refuse(manifest, verdict.reason(), verdict.detail());
        }
        if (pairedGate != null && !pin) {
            if (pending != null && pending.manifest().getVersion() > manifest.getVersion()) {
                verdict.classifier().close();
                return recordNew(manifest, Fate.SUPERSEDED, null, "arrived after the newer version "
                        + pending.manifest().getVersion() + ", which is pending");
            }
            supersedeOlderThan(manifest);
            PairedGate.Judgement judgement = judge(manifest, verdict.classifier(), sample);
            if (served != null && RefusalReasons.TOO_FEW_EXAMPLES.equals(judgement.reason())) {
                verdict.classifier().close();
                return hold(manifest, weights, judgement, wasPending);
            }
            if (!judgement.passed()) {
                verdict.classifier().close();
                return refuse(manifest, judgement.reason(), judgement.detail());
            }
            LOG.info("Checkpoint {} v{} passed the paired gate: {}", manifest.getModel(), manifest.getVersion(), judgement.detail());
        }
        history.retain(manifest, weights);
        if (pinned != null && pinned != manifest.getVersion()) {
            verdict.classifier().close();
            LOG.info("Holding checkpoint {} v{}: version {} is pinned", manifest.getModel(), manifest.getVersion(), pinned);
            return recordNew(manifest, Fate.HELD, null, "passed its gates while version " + pinned + " is pinned");
        }
        metrics.swap(SwapOutcome.SWAPPED, "passed");
        LOG.info("Serving checkpoint {} v{} (holdout agreement {})", manifest.getModel(), manifest.getVersion(),
                manifest.getHoldout().getAgreement());
        return swapIn(manifest, verdict.classifier());
    }

    /**
     * Keeps a candidate that passed the manifest gates until enough examples it has not trained on arrive; counted and
     * logged once, not again when enough examples turn out to be too few that fit its task.
     */
    private VersionRecord hold(Checkpoint manifest, byte[] weights, PairedGate.Judgement judgement, boolean wasPending) {
        pending = new Pending(manifest, weights);
        if (!wasPending) {
            metrics.swap(SwapOutcome.PENDING, RefusalReasons.TOO_FEW_EXAMPLES);
            LOG.info("Checkpoint {} v{} is pending: {}; still serving v{}", manifest.getModel(), manifest.getVersion(),
                    judgement.detail(), servedVersion().orElse(-1));
        }
        VersionRecord record = pendingRecord(manifest, judgement.report().examples(), Instant.now());
        history.record(record);
        return record;
    }

    private synchronized void updateProgress(Pending waiting, int examples) {
        VersionRecord known = history.records().stream()
                .filter(record -> record.version() == waiting.manifest().getVersion()).findFirst().orElse(null);
        if (pending == waiting && known != null && known.waiting() != null && known.waiting().examples() != examples) {
            history.record(pendingRecord(waiting.manifest(), examples, known.decided()));
        }
    }

    private VersionRecord pendingRecord(Checkpoint manifest, int examples, Instant since) {
        int needed = pairedGate.settings().minExamples();
        return new VersionRecord(manifest, Fate.PENDING, null, examples + " of the " + needed + " recent examples "
                + "the paired gate needs (gate.examples.min) arrived after the candidate's lineage offsets; it is gated "
                + "once the rest arrive", since, new VersionRecord.Waiting(examples, needed));
    }

    /** Drops a pending candidate older than {@code manifest}: only the newest candidate waits. */
    private void supersedeOlderThan(Checkpoint manifest) {
        if (pending == null || pending.manifest().getVersion() >= manifest.getVersion()) {
            return;
        }
        Checkpoint superseded = pending.manifest();
        pending = null;
        metrics.swap(SwapOutcome.SUPERSEDED, "newer-candidate");
        LOG.info("Checkpoint {} v{} superseded by v{} while pending", superseded.getModel(), superseded.getVersion(),
                manifest.getVersion());
        recordNew(superseded, Fate.SUPERSEDED, null, "superseded by version " + manifest.getVersion()
                + " before enough examples it had not trained on arrived");
    }

    /** Runs the paired gate against the served model (leased, so it stays open), timed and counted. */
    private PairedGate.Judgement judge(Checkpoint manifest, Classifier candidate, List<LabelledExample> sample) {
        long start = System.nanoTime();
        PairedGate.Judgement judgement;
        ServedModel served;
        try (ModelSlot.Lease lease = slot.acquire()) {
            served = lease == null ? null : lease.model();
            judgement = pairedGate.judge(manifest, candidate, served == null ? null : served.manifest(),
                    served == null ? null : served.classifier(), sample);
        } catch (RuntimeException e) {
            served = null;
            judgement = new PairedGate.Judgement(RefusalReasons.GATE_FAILED, "the paired gate failed: " + e, PairedGate.Report.NONE);
        }
        if (served == null || !RefusalReasons.TOO_FEW_EXAMPLES.equals(judgement.reason())) {
            // A candidate left pending has not been decided yet: only decisions are counted and timed.
            metrics.gate(judgement.passed(), judgement.passed() ? "passed" : judgement.reason(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
        return judgement;
    }

    /** Records a checkpoint that could not even be reassembled (missing chunks, bad sha256). */
    public synchronized VersionRecord refuse(Checkpoint manifest, String reason, String detail) {
        metrics.swap(SwapOutcome.REFUSED, reason);
        LOG.warn("Refused checkpoint {} v{}: {} ({}); still serving {}", manifest.getModel(), manifest.getVersion(), reason,
                detail, servedVersion().isPresent() ? "v" + servedVersion().getAsLong() : "nothing");
        return recordNew(manifest, Fate.REFUSED, reason, detail);
    }

    /**
     * The decision that takes the served version out for good, so that the newest earlier good version is served.
     * Nothing changes until it is {@link #apply applied} (after it is kept on the checkpoint topic).
     *
     * @throws ServingConflictException when a version is pinned, nothing is served, or no earlier good version is retained
     */
    public synchronized ServingDecision rollbackDecision(String admin, String reason) {
        if (pinned != null) {
            throw new ServingConflictException("pinned", "version " + pinned + " is pinned: unpin it (DELETE /v1/models/pin) before rolling back");
        }
        ServedModel served = slot.current();
        if (served == null) {
            throw new ServingConflictException("nothing-served", "no model is served yet, so there is nothing to roll back");
        }
        if (history.retainedBelow(served.version()) == null) {
            throw new ServingConflictException("nothing-to-roll-back-to", "version " + served.version()
                    + " is served and no earlier good version is retained (retained: " + history.retainedVersions() + ")");
        }
        List<Long> takenOut = new ArrayList<>(rolledBack);
        takenOut.add(served.version());
        return decision(served.manifest().getModel(), null, takenOut, "rollback", served.version(), admin, reason);
    }

    /**
     * The decision to serve {@code version} until unpinned; later checkpoints are verified and held meanwhile.
     *
     * @throws ServingConflictException when the version's weights are not retained
     */
    public synchronized ServingDecision pinDecision(long version, String admin, String reason) {
        Retained target = history.retained(version);
        if (target == null) {
            throw new ServingConflictException("not-retained", "version " + version
                    + " cannot be pinned: only versions that passed their gates recently are kept, and these are "
                    + history.retainedVersions());
        }
        return decision(target.manifest().getModel(), version, List.copyOf(rolledBack), "pin", version, admin, reason);
    }

    /**
     * The decision to lift the pin, so that the newest good version is served.
     *
     * @throws ServingConflictException when nothing is pinned
     */
    public synchronized ServingDecision unpinDecision(String admin, String reason) {
        ServedModel served = slot.current();
        if (pinned == null || served == null) {
            throw new ServingConflictException("not-pinned", "no version is pinned");
        }
        return decision(served.manifest().getModel(), null, List.copyOf(rolledBack), "unpin", pinned, admin, reason);
    }

    /**
     * Obeys a serving decision, this gateway's or another's, now or read back from the checkpoint topic after a
     * restart: rolled-back versions are never served again, and a pinned version is served as soon as its weights
     * are here. Applying the decision in force again changes nothing.
     *
     * @return the record of the version served afterwards, or null when none is
     */
    public synchronized VersionRecord apply(ServingDecision decision) {
        Long wasPinned = pinned;
        pinned = decision.getPinnedVersion();
        rolledBack.addAll(decision.getRolledBack());
        while (rolledBack.size() > ModelHistory.RECORDS_KEPT) {
            rolledBack.pollFirst();
        }
        lastDecision = decision;
        ServedModel served = slot.current();
        if (served == null) {
            return null;
        }
        if (pinned != null) {
            Retained target = history.retained(pinned);
            if (target == null) {
                LOG.warn("Version {} is pinned by {} ({}) but its weights are not here; serving it once it is offered",
                        pinned, decision.getAdmin(), decision.getReason());
                return history.setFate(served.manifest(), Fate.SERVING);
            }
            if (!pinned.equals(wasPinned)) {
                metrics.swap(SwapOutcome.PINNED, "admin");
                LOG.warn("Pinned v{}: {} ({})", pinned, decision.getAdmin(), decision.getReason());
            }
            return serveRetained(target);
        }
        if (rolledBack.contains(served.version())) {
            Retained target = history.retainedBelow(served.version());
            history.forgetWeights(served.version());
            if (target == null) {
                LOG.warn("v{} was rolled back by {} ({}) but no earlier good version is here; still serving it",
                        served.version(), decision.getAdmin(), decision.getReason());
                return history.setFate(served.manifest(), Fate.SERVING);
            }
            VersionRecord now = swapIn(target.manifest(), load(target));
            history.setFate(served.manifest(), Fate.ROLLED_BACK);
            metrics.swap(SwapOutcome.ROLLED_BACK, "admin");
            LOG.warn("Rolled back from v{} to v{}: {} ({})", served.version(), target.manifest().getVersion(),
                    decision.getAdmin(), decision.getReason());
            return now;
        }
        if (wasPinned != null) {
            LOG.warn("Unpinned v{}: {} ({})", wasPinned, decision.getAdmin(), decision.getReason());
            Retained newest = history.newestRetained();
            if (newest != null && newest.manifest().getVersion() != served.version()) {
                metrics.swap(SwapOutcome.SWAPPED, "unpinned");
                return serveRetained(newest);
            }
        }
        return history.setFate(served.manifest(), Fate.SERVING);
    }

    /**
     * True when a version is pinned that is not served and whose weights this gateway does not have (it started after
     * that version came): the follower then reads the topic again to find them.
     */
    public synchronized boolean lacksPinnedWeights() {
        ServedModel served = slot.current();
        return pinned != null && (served == null || served.version() != pinned) && history.retained(pinned) == null;
    }

    /** The decision in force (the newest applied), or null when admins decided nothing. */
    public synchronized ServingDecision lastDecision() {
        return lastDecision;
    }

    private static ServingDecision decision(String model, Long pin, List<Long> takenOut, String action, long version,
                                            String admin, String reason) {
        return ServingDecision.newBuilder().setModel(model).setPinnedVersion(pin).setRolledBack(takenOut)
                .setAction(action).setVersion(version).setAdmin(admin).setReason(reason).setTime(Instant.now()).build();
    }

    public synchronized OptionalLong pinnedVersion() {
        return pinned == null ? OptionalLong.empty() : OptionalLong.of(pinned);
    }

    /** Recent versions, newest first. */
    public synchronized List<VersionRecord> history() {
        return history.records();
    }

    public ServedModel served() {
        return slot.current();
    }

    public OptionalLong servedVersion() {
        ServedModel served = slot.current();
        return served == null ? OptionalLong.empty() : OptionalLong.of(served.version());
    }

    private VersionRecord serveRetained(Retained target) {
        ServedModel served = slot.current();
        if (served != null && served.version() == target.manifest().getVersion()) {
            return history.setFate(served.manifest(), Fate.SERVING);
        }
        return swapIn(target.manifest(), load(target));
    }

    private Classifier load(Retained target) {
        return gates.load(Architecture.parse(target.manifest().getArchitecture()), target.weights());
    }

    /** Swaps a loaded classifier in; the replaced model closes once its in-flight calls finish. */
    private VersionRecord swapIn(Checkpoint manifest, Classifier classifier) {
        ServedModel previous = slot.current();
        slot.swap(new ServedModel(manifest, classifier, Instant.now()));
        metrics.served(manifest.getVersion(), manifest.getCreatedTime());
        if (previous != null) {
            history.setFate(previous.manifest(), Fate.SERVED);
        }
        return history.setFate(manifest, Fate.SERVING);
    }

    private VersionRecord recordNew(Checkpoint manifest, Fate fate, String reason, String detail) {
        VersionRecord record = new VersionRecord(manifest, fate, reason, detail, Instant.now());
        history.record(record);
        return record;
    }

    @Override
    public synchronized void close() {
        slot.close();
    }
}

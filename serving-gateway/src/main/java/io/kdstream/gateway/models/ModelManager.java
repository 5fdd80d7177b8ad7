package io.kdstream.gateway.models;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.GatewayMetrics.SwapOutcome;
import io.kdstream.gateway.examples.LabelledExample;
import io.kdstream.gateway.models.ModelHistory.Retained;
import io.kdstream.gateway.models.VersionRecord.Fate;
import io.kdstream.schemas.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which checkpoint is served: new checkpoints offered by the follower go through the {@link PromotionGates}
 * and, once a model serves, the {@link PairedGate}, and are swapped in when they pass, unless an admin has pinned a version; admins can also roll back to the
 * previous good version. Decisions are serialised by this object's lock; the request path never takes it, it only
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
     * the served one, is ignored (the follower may see it again after its consumer restarts).
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

    private synchronized boolean ignored(Checkpoint manifest) {
        ServedModel served = slot.current();
        return history.known(manifest.getVersion()) || (served != null && manifest.getVersion() <= served.version());
    }

    private synchronized VersionRecord decide(Checkpoint manifest, byte[] weights, List<LabelledExample> sample) {
        if (ignored(manifest)) {
            return null;
        }
        ServedModel served = slot.current();
        // With a paired gate the manifests' holdout scores, measured on different slices, are not compared.
        Checkpoint comparedManifest = served == null || pairedGate != null ? null : served.manifest();
        PromotionGates.Verdict verdict = gates.evaluate(manifest, weights, comparedManifest);
        if (!verdict.passed()) {
            return refuse(manifest, verdict.reason(), verdict.detail());
        }
        if (pairedGate != null) {
            PairedGate.Judgement judgement = judge(manifest, verdict.classifier(), sample);
            if (!judgement.passed()) {
                verdict.classifier().close();
                return refuse(manifest, judgement.reason(), judgement.detail());
            }
            LOG.info("Checkpoint {} v{} passed the paired gate: {}", manifest.getModel(), manifest.getVersion(), judgement.detail());
        }
        history.retain(manifest, weights);
        if (pinned != null) {
            verdict.classifier().close();
            LOG.info("Holding checkpoint {} v{}: version {} is pinned", manifest.getModel(), manifest.getVersion(), pinned);
            return recordNew(manifest, Fate.HELD, null, "passed its gates while version " + pinned + " is pinned");
        }
        metrics.swap(SwapOutcome.SWAPPED, "passed");
        LOG.info("Serving checkpoint {} v{} (holdout agreement {})", manifest.getModel(), manifest.getVersion(),
                manifest.getHoldout().getAgreement());
        return swapIn(manifest, verdict.classifier());
    }

    /** Runs the paired gate against the served model (leased, so it stays open), timed and counted. */
    private PairedGate.Judgement judge(Checkpoint manifest, Classifier candidate, List<LabelledExample> sample) {
        long start = System.nanoTime();
        PairedGate.Judgement judgement;
        try (ModelSlot.Lease lease = slot.acquire()) {
            ServedModel served = lease == null ? null : lease.model();
            judgement = pairedGate.judge(manifest, candidate, served == null ? null : served.manifest(),
                    served == null ? null : served.classifier(), sample);
        } catch (RuntimeException e) {
            judgement = new PairedGate.Judgement(RefusalReasons.GATE_FAILED, "the paired gate failed: " + e, PairedGate.Report.NONE);
        }
        metrics.gate(judgement.passed(), judgement.passed() ? "passed" : judgement.reason(),
                Duration.ofNanos(System.nanoTime() - start));
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
     * Takes the served version out for good and serves the newest earlier good version.
     *
     * @throws ServingConflictException when a version is pinned, nothing is served, or no earlier good version is retained
     */
    public synchronized VersionRecord rollback() {
        if (pinned != null) {
            throw new ServingConflictException("pinned", "version " + pinned + " is pinned: unpin it (DELETE /v1/models/pin) before rolling back");
        }
        ServedModel served = slot.current();
        if (served == null) {
            throw new ServingConflictException("nothing-served", "no model is served yet, so there is nothing to roll back");
        }
        Retained target = history.retainedBelow(served.version());
        if (target == null) {
            throw new ServingConflictException("nothing-to-roll-back-to", "version " + served.version()
                    + " is served and no earlier good version is retained (retained: " + history.retainedVersions() + ")");
        }
        VersionRecord now = swapIn(target.manifest(), load(target));
        history.forgetWeights(served.version());
        history.setFate(served.manifest(), Fate.ROLLED_BACK);
        metrics.swap(SwapOutcome.ROLLED_BACK, "admin");
        LOG.warn("Rolled back from v{} to v{} by admin request", served.version(), target.manifest().getVersion());
        return now;
    }

    /**
     * Serves {@code version} until {@link #unpin}; later checkpoints are verified and held meanwhile.
     *
     * @throws ServingConflictException when the version's weights are not retained
     */
    public synchronized VersionRecord pin(long version) {
        Retained target = history.retained(version);
        if (target == null) {
            throw new ServingConflictException("not-retained", "version " + version
                    + " cannot be pinned: only versions that passed their gates recently are kept, and these are "
                    + history.retainedVersions());
        }
        VersionRecord now = serveRetained(target);
        pinned = version;
        metrics.swap(SwapOutcome.PINNED, "admin");
        LOG.warn("Pinned v{} by admin request", version);
        return now;
    }

    /** Lifts the pin and serves the newest good version. */
    public synchronized VersionRecord unpin() {
        if (pinned == null) {
            throw new ServingConflictException("not-pinned", "no version is pinned");
        }
        LOG.warn("Unpinned v{} by admin request", pinned);
        pinned = null;
        Retained newest = history.newestRetained();
        ServedModel served = slot.current();
        if (newest == null || (served != null && served.version() == newest.manifest().getVersion())) {
            return served == null ? null : history.setFate(served.manifest(), Fate.SERVING);
        }
        metrics.swap(SwapOutcome.SWAPPED, "unpinned");
        return serveRetained(newest);
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

package io.kdstream.gateway.models;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.GatewayMetrics.SwapOutcome;
import io.kdstream.gateway.models.ModelHistory.Retained;
import io.kdstream.gateway.models.VersionRecord.Fate;
import io.kdstream.schemas.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which checkpoint is served: new checkpoints offered by the follower go through the {@link PromotionGates}
 * and are swapped in when they pass, unless an admin has pinned a version; admins can also roll back to the
 * previous good version. Decisions are serialised by this object's lock; the request path never takes it, it only
 * reads the {@link ModelSlot}.
 */
public final class ModelManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    private final PromotionGates gates;
    private final ModelSlot slot;
    private final ModelHistory history;
    private final GatewayMetrics metrics;
    private Long pinned;

    public ModelManager(PromotionGates gates, ModelSlot slot, int retained, GatewayMetrics metrics) {
        this.gates = gates;
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
    public synchronized VersionRecord offer(Checkpoint manifest, byte[] weights) {
        ServedModel served = slot.current();
        if (history.known(manifest.getVersion()) || (served != null && manifest.getVersion() <= served.version())) {
            return null;
        }
        PromotionGates.Verdict verdict = gates.evaluate(manifest, weights, served == null ? null : served.manifest());
        if (!verdict.passed()) {
            return refuse(manifest, verdict.reason(), verdict.detail());
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

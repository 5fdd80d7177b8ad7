package io.kdstream.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import ai.djl.Device;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.examples.LabelledExample;
import io.kdstream.gateway.examples.RecentExamples;
import io.kdstream.gateway.testing.GateExamples;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.PartitionOffset;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link ModelManager} with the paired gate: what it decides, what it counts, and that serving never waits. */
class PairedGateManagerTest {

    private static final String LABELS = "kd-soft-labels";
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ModelSlot slot = new ModelSlot();
    private final RecentExamples recent = new RecentExamples(1000);
    private final PairedGate gate = new PairedGate(recent, LABELS,
            new PairedGate.Settings(300, 1000, Duration.ofMillis(500), 0.01, 0.05, 20, 2.0, 0.6));
    private final ModelManager models = new ModelManager(new PromotionGates(0.6, 0.05, Device.cpu()), gate, slot, 3,
            new GatewayMetrics(registry));
    private final byte[] good = TestCheckpoints.trainedWeights();

    @AfterEach
    void close() {
        models.close();
    }

    @Test
    void shouldServeOnlyCandidatesNotWorseOnExamplesNeitherTrainedOnAndKeepServingMeanwhile() throws Exception {
        // given version 1 served before any example arrived, then 400 labelled examples at offsets 0..399
        assertThat(models.offer(manifest(1, good, 0), good).fate()).isEqualTo(VersionRecord.Fate.SERVING);
        List<LabelledExample> labelled = GateExamples.labelledBy(good, 400);
        labelled.forEach(recent::add);

        // when a candidate that never answers its rarer classes (a tenth of the labels) arrives, its lineage before every example
        byte[] worse = GateExamples.withoutRareClasses(good, labelled, 0.1);
        VersionRecord refused = models.offer(manifest(2, worse, 0), worse);

        // then it is refused though its manifest claims 0.95, and version 1 still serves
        assertThat(refused.reason()).isEqualTo(RefusalReasons.AGREEMENT_DROP);
        assertThat(models.servedVersion()).hasValue(1);
        assertThat(registry.get(GatewayMetrics.GATE_DECISIONS).tag("outcome", "refused").tag("reason", "agreement-drop")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(GatewayMetrics.GATE_DURATION).timer().count()).isEqualTo(1);

        // when a candidate whose trainer consumed every example waits for unseen ones that never come
        CompletableFuture<VersionRecord> waiting = CompletableFuture.supplyAsync(() -> models.offer(manifest(3, good, 400), good));
        Thread.sleep(100);

        // then the served model answers and the admin view reads meanwhile, and the candidate is left pending in time
        try (ModelSlot.Lease lease = slot.acquire()) {
            assertThat(lease.model().version()).isEqualTo(1);
        }
        assertThat(CompletableFuture.supplyAsync(models::history).get(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isNotEmpty();
        VersionRecord tooFew = waiting.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(tooFew.fate()).isEqualTo(VersionRecord.Fate.PENDING);

        // when a candidate as good as the served one arrives, with the examples after its lineage
        VersionRecord accepted = models.offer(manifest(4, good, 0), good);

        // then it serves, superseding the pending one, and only decisions are counted by outcome (version 1 was
        // accepted on its floor alone)
        assertThat(accepted.fate()).isEqualTo(VersionRecord.Fate.SERVING);
        assertThat(models.servedVersion()).hasValue(4);
        assertThat(fate(3)).isEqualTo(VersionRecord.Fate.SUPERSEDED);
        assertThat(registry.get(GatewayMetrics.GATE_DECISIONS).tag("outcome", "accepted").counter().count()).isEqualTo(2);
        assertThat(registry.get(GatewayMetrics.GATE_DECISIONS).tag("outcome", "refused").counters()).hasSize(1);
    }

    @Test
    void shouldKeepACandidatePendingWhileTheStreamPausesAndGateItOnceUnseenExamplesArrive() {
        // given version 1 served, and a stream that paused right after the offsets version 2 trained up to
        assertThat(models.offer(manifest(1, good, 0), good).fate()).isEqualTo(VersionRecord.Fate.SERVING);
        List<LabelledExample> labelled = GateExamples.labelledBy(good, 400);
        labelled.subList(0, 300).forEach(recent::add);

        // when version 2 arrives having trained on all 300 of them
        VersionRecord pending = models.offer(manifest(2, good, 300), good);

        // then it is pending, not refused, showing what it has and needs, and version 1 still serves
        assertThat(pending.fate()).isEqualTo(VersionRecord.Fate.PENDING);
        assertThat(pending.reason()).isNull();
        assertThat(pending.waiting()).isEqualTo(new VersionRecord.Waiting(0, 300));
        assertThat(models.pendingVersion()).hasValue(2);
        assertThat(models.servedVersion()).hasValue(1);
        assertThat(models.gatePending()).isNull();

        // when the stream resumes with 50 examples: still too few, and the listing shows the progress
        labelled.subList(300, 350).forEach(recent::add);
        assertThat(models.gatePending()).isNull();
        assertThat(models.history().get(0).waiting()).isEqualTo(new VersionRecord.Waiting(50, 300));

        // when the rest arrive (the same 300 images again, at later offsets)
        labelled.subList(0, 250).forEach(example -> recent.add(new LabelledExample(0, 350 + example.offset(),
                example.input(), example.teacher(), example.trueLabel())));
        VersionRecord decided = models.gatePending();

        // then it is gated on them and swapped in, its record no longer waiting
        assertThat(decided.fate()).isEqualTo(VersionRecord.Fate.SERVING);
        assertThat(decided.waiting()).isNull();
        assertThat(models.servedVersion()).hasValue(2);
        assertThat(models.pendingVersion()).isEmpty();
        assertThat(registry.get(GatewayMetrics.SWAPS).tag("outcome", "pending").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldKeepOnlyTheNewestPendingCandidateAndRefuseItWhenItProvesWorse() {
        // given version 1 served and versions 2 and 3 arriving while the stream is paused
        assertThat(models.offer(manifest(1, good, 0), good).fate()).isEqualTo(VersionRecord.Fate.SERVING);
        List<LabelledExample> labelled = GateExamples.labelledBy(good, 400);
        byte[] worse = GateExamples.withoutRareClasses(good, labelled, 0.1);
        assertThat(models.offer(manifest(2, good, 0), good).fate()).isEqualTo(VersionRecord.Fate.PENDING);

        // when the worse version 3 arrives before any example
        VersionRecord newest = models.offer(manifest(3, worse, 0), worse);

        // then it pends and version 2 is superseded
        assertThat(newest.fate()).isEqualTo(VersionRecord.Fate.PENDING);
        assertThat(fate(2)).isEqualTo(VersionRecord.Fate.SUPERSEDED);
        assertThat(models.pendingVersion()).hasValue(3);
        assertThat(registry.get(GatewayMetrics.SWAPS).tag("outcome", "superseded").counter().count()).isEqualTo(1);

        // when examples arrive, version 3 is gated on them and refused, and version 1 keeps serving
        labelled.forEach(recent::add);
        VersionRecord decided = models.gatePending();
        assertThat(decided.reason()).isEqualTo(RefusalReasons.AGREEMENT_DROP);
        assertThat(models.servedVersion()).hasValue(1);
        assertThat(models.pendingVersion()).isEmpty();
        assertThat(fate(2)).isEqualTo(VersionRecord.Fate.SUPERSEDED);
    }

    @Test
    void shouldCountAPendingCandidateOnceWhileTheExamplesThatArriveDoNotFitItsTask() {
        // given version 1 served and version 2 pending
        assertThat(models.offer(manifest(1, good, 0), good).fate()).isEqualTo(VersionRecord.Fate.SERVING);
        assertThat(models.offer(manifest(2, good, 0), good).fate()).isEqualTo(VersionRecord.Fate.PENDING);

        // when 300 labels arrive whose inputs are of another task's shape, polled again and again
        float[] teacher = GateExamples.labelledBy(good, 1).get(0).teacher();
        for (int i = 0; i < 300; i++) {
            recent.add(new LabelledExample(0, i, TestCheckpoints.TABULAR.toTensor(TestCheckpoints.tabularInput(i)), teacher, -1));
        }
        for (int poll = 0; poll < 5; poll++) {
            assertThat(models.gatePending().fate()).isEqualTo(VersionRecord.Fate.PENDING);
        }

        // then it still waits, counted and listed once, and version 1 serves
        assertThat(registry.get(GatewayMetrics.SWAPS).tag("outcome", "pending").counter().count()).isEqualTo(1);
        assertThat(models.history()).filteredOn(record -> record.version() == 2).hasSize(1);
        assertThat(models.servedVersion()).hasValue(1);
    }

    private VersionRecord.Fate fate(long version) {
        return models.history().stream().filter(record -> record.version() == version).findFirst().orElseThrow().fate();
    }

    private static Checkpoint manifest(long version, byte[] weights, long nextOffset) {
        Checkpoint manifest = TestCheckpoints.manifest("student", version, weights, 0.95f);
        manifest.getLineage().setOffsets(List.of(new PartitionOffset(LABELS, 0, nextOffset)));
        return manifest;
    }
}

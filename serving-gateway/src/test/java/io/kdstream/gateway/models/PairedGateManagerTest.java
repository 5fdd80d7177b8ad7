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

        // then the served model answers and the admin view reads meanwhile, and the candidate is refused in time
        try (ModelSlot.Lease lease = slot.acquire()) {
            assertThat(lease.model().version()).isEqualTo(1);
        }
        assertThat(CompletableFuture.supplyAsync(models::history).get(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isNotEmpty();
        VersionRecord tooFew = waiting.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(tooFew.reason()).isEqualTo(RefusalReasons.TOO_FEW_EXAMPLES);

        // when a candidate as good as the served one arrives, with the examples after its lineage
        VersionRecord accepted = models.offer(manifest(4, good, 0), good);

        // then it serves, and the decisions are counted by outcome (version 1 was accepted on its floor alone)
        assertThat(accepted.fate()).isEqualTo(VersionRecord.Fate.SERVING);
        assertThat(models.servedVersion()).hasValue(4);
        assertThat(registry.get(GatewayMetrics.GATE_DECISIONS).tag("outcome", "accepted").counter().count()).isEqualTo(2);
        assertThat(registry.get(GatewayMetrics.GATE_DECISIONS).tag("outcome", "refused").counters()).hasSize(2);
    }

    private static Checkpoint manifest(long version, byte[] weights, long nextOffset) {
        Checkpoint manifest = TestCheckpoints.manifest("student", version, weights, 0.95f);
        manifest.getLineage().setOffsets(List.of(new PartitionOffset(LABELS, 0, nextOffset)));
        return manifest;
    }
}

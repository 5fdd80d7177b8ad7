package io.kdstream.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import ai.djl.Device;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Checkpoint;
import io.kdstream.schemas.ServingDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelManagerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ModelSlot slot = new ModelSlot();
    private final ModelManager models = new ModelManager(new PromotionGates(0.6, 0.05, Device.cpu()), slot, 3, new GatewayMetrics(registry));
    private final byte[] weights = TestCheckpoints.trainedWeights();

    @AfterEach
    void close() {
        models.close();
    }

    @Test
    void shouldServeCheckpointsThatPassAndRefuseThoseBelowTheFloorOrTooFarBelowTheServedOne() {
        // given version 1 served at agreement 0.80
        assertThat(offer(1, 0.80f).fate()).isEqualTo(VersionRecord.Fate.SERVING);

        // when later versions arrive below the floor, well past the allowed drop (0.05 plus two standard errors of
        // the difference on 200 + 200 holdout examples, about 0.14 here), and within it
        VersionRecord belowFloor = offer(2, 0.55f);
        VersionRecord tooFarBelow = offer(3, 0.62f);
        VersionRecord withinDrop = offer(4, 0.76f);

        // then the first two are refused with their reasons and the third swaps in
        assertThat(belowFloor.reason()).isEqualTo(RefusalReasons.BELOW_FLOOR);
        assertThat(belowFloor.detail()).contains("0.55").contains("gate.min.agreement 0.6");
        assertThat(tooFarBelow.reason()).isEqualTo(RefusalReasons.AGREEMENT_DROP);
        assertThat(tooFarBelow.detail()).contains("below the served version 1's 0.8000");
        assertThat(withinDrop.fate()).isEqualTo(VersionRecord.Fate.SERVING);
        assertThat(models.servedVersion()).hasValue(4);
        assertThat(fates()).containsExactly("4:SERVING", "3:REFUSED", "2:REFUSED", "1:SERVED");
        assertThat(registry.get("kd.gateway.swaps").tag("outcome", "refused").tag("reason", "below-floor").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldRefuseCheckpointsThatCannotServeWhateverTheirScores() {
        Checkpoint good = TestCheckpoints.manifest("student", 1, weights, 0.9f);

        assertThat(models.offer(TestCheckpoints.manifest("student", 1, TestCheckpoints.nanWeights(), 0.9f), TestCheckpoints.nanWeights()).reason())
                .isEqualTo(RefusalReasons.NON_FINITE_OUTPUT);
        assertThat(models.offer(copy(good, 2).setFormat("onnx").build(), weights).reason()).isEqualTo(RefusalReasons.BAD_FORMAT);
        assertThat(models.offer(copy(good, 3).setArchitecture("mlp:1024-16-10").build(), weights).detail())
                .contains("architecture mlp:1024-16-10 takes 1024 inputs").contains("task fashion-mnist has 784 inputs");
        assertThat(models.offer(copy(good, 4).setArchitecture("mlp:784-32-10").build(), weights).reason()).isEqualTo(RefusalReasons.LOAD_FAILED);
        good.getHoldout().setExamples(0);
        assertThat(models.offer(copy(good, 5).build(), weights).reason()).isEqualTo(RefusalReasons.NO_HOLDOUT);
        assertThat(models.servedVersion()).isEmpty();
    }

    @Test
    void shouldRefuseACheckpointOfAnotherTaskAndKeepServingTheServedOne() {
        offer(1, 0.8f);

        VersionRecord tabular = models.offer(TestCheckpoints.tabularManifest("student", 2, TestCheckpoints.tabularWeights(), 0.9f),
                TestCheckpoints.tabularWeights());

        assertThat(tabular.fate()).isEqualTo(VersionRecord.Fate.REFUSED);
        assertThat(tabular.reason()).isEqualTo(RefusalReasons.TASK_MISMATCH);
        assertThat(tabular.detail()).contains("task tabular-rbf is not task fashion-mnist");
        assertThat(models.servedVersion()).hasValue(1);
        assertThat(models.served().task().name()).isEqualTo("fashion-mnist");
        assertThat(registry.get("kd.gateway.swaps").tag("outcome", "refused").tag("reason", "task-mismatch").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreVersionsAlreadyDecidedOrOlderThanTheServedOne() {
        offer(5, 0.8f);

        assertThat(offer(5, 0.9f)).isNull();
        assertThat(offer(3, 0.9f)).isNull();
        assertThat(models.servedVersion()).hasValue(5);
    }

    @Test
    void shouldRollBackToTheNewestEarlierGoodVersionAndNeverServeTheRolledBackOneAgain() {
        offer(1, 0.8f);
        offer(2, 0.3f); // refused: not a rollback target
        offer(3, 0.8f);

        ServingDecision rollback = models.rollbackDecision("alice", "v3 answers class 0 too often");
        VersionRecord now = models.apply(rollback);

        assertThat(rollback.getRolledBack()).containsExactly(3L);
        assertThat(rollback.getAdmin()).isEqualTo("alice");
        assertThat(now.version()).isEqualTo(1);
        assertThat(models.servedVersion()).hasValue(1);
        assertThat(fates()).containsExactly("3:ROLLED_BACK", "2:REFUSED", "1:SERVING");
        assertThat(models.lastDecision()).isEqualTo(rollback);
        assertThatThrownBy(() -> models.rollbackDecision("alice", "again")).isInstanceOf(ServingConflictException.class)
                .hasMessageContaining("no earlier good version is retained");
        assertThatThrownBy(() -> models.pinDecision(3, "alice", "back")).isInstanceOf(ServingConflictException.class);
        // a newer checkpoint still swaps in
        assertThat(offer(4, 0.8f).fate()).isEqualTo(VersionRecord.Fate.SERVING);
    }

    @Test
    void shouldHoldNewCheckpointsWhilePinnedAndServeTheNewestWhenUnpinned() {
        offer(1, 0.8f);
        offer(2, 0.8f);

        models.apply(models.pinDecision(1, "bob", "hold v1 over the sale"));
        VersionRecord held = offer(3, 0.8f);

        assertThat(models.servedVersion()).hasValue(1);
        assertThat(models.pinnedVersion()).hasValue(1);
        assertThat(held.fate()).isEqualTo(VersionRecord.Fate.HELD);
        assertThatThrownBy(() -> models.rollbackDecision("bob", "x")).hasMessageContaining("version 1 is pinned");

        VersionRecord after = models.apply(models.unpinDecision("bob", "the sale is over"));

        assertThat(after.version()).isEqualTo(3);
        assertThat(models.pinnedVersion()).isEmpty();
        assertThat(fates()).containsExactly("3:SERVING", "2:SERVED", "1:SERVED");
        assertThat(registry.get("kd.gateway.swaps").tag("outcome", "pinned").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldObeyAnotherGatewaysDecisionsAndReadThemBackAtStartBeforeAnythingIsOffered() {
        // given a gateway that rolled back v3 and then pinned v1
        offer(1, 0.8f);
        offer(2, 0.8f);
        offer(3, 0.8f);
        ServingDecision rollback = models.rollbackDecision("alice", "v3 regressed");
        models.apply(rollback);
        ServingDecision pin = models.pinDecision(1, "bob", "v1 until the drift settles");
        models.apply(pin);

        // when a second gateway serving v3 reads both decisions as they arrive
        ModelManager second = manager();
        offerTo(second, 1, 0.8f);
        offerTo(second, 2, 0.8f);
        offerTo(second, 3, 0.8f);
        second.apply(rollback);
        assertThat(second.servedVersion()).hasValue(2);
        second.apply(pin);
        assertThat(second.servedVersion()).hasValue(1);

        // and a restarted gateway reads the newest decision first, then is offered the newest versions first
        ModelManager restarted = manager();
        restarted.apply(pin);
        assertThat(offerTo(restarted, 3, 0.8f).fate()).isEqualTo(VersionRecord.Fate.REFUSED);
        assertThat(offerTo(restarted, 2, 0.8f).fate()).isEqualTo(VersionRecord.Fate.HELD);
        assertThat(offerTo(restarted, 1, 0.8f).fate()).isEqualTo(VersionRecord.Fate.SERVING);

        // then every gateway serves the pinned v1, the rolled-back v3 is refused, and applying a decision again changes nothing
        assertThat(restarted.pinnedVersion()).hasValue(1);
        assertThat(restarted.history().get(0).reason()).isEqualTo(RefusalReasons.ROLLED_BACK);
        assertThat(second.apply(pin).version()).isEqualTo(1);
        assertThat(models.servedVersion()).hasValue(1);
        second.close();
        restarted.close();
    }

    @Test
    void shouldCloseAReplacedModelOnlyAfterItsInFlightCallsFinish() {
        offer(1, 0.8f);
        ModelSlot.Lease inFlight = slot.acquire();
        ServedModel first = inFlight.model();

        offer(2, 0.8f);

        // the swapped-out model still answers the call that leased it
        assertThat(first.closed()).isFalse();
        assertThat(first.classifier().probabilities(new float[784], 1, 1f)).hasSize(10);
        inFlight.close();
        assertThat(first.closed()).isTrue();
        try (ModelSlot.Lease next = slot.acquire()) {
            assertThat(next.model().version()).isEqualTo(2);
        }
    }

    private VersionRecord offer(long version, float agreement) {
        return offerTo(models, version, agreement);
    }

    private VersionRecord offerTo(ModelManager manager, long version, float agreement) {
        return manager.offer(TestCheckpoints.manifest("student", version, weights, agreement), weights);
    }

    /** Another gateway's manager. */
    private ModelManager manager() {
        return new ModelManager(new PromotionGates(0.6, 0.05, Device.cpu()), new ModelSlot(), 3, new GatewayMetrics(registry));
    }

    private static Checkpoint.Builder copy(Checkpoint manifest, long version) {
        return Checkpoint.newBuilder(manifest).setVersion(version);
    }

    private List<String> fates() {
        return models.history().stream().map(r -> r.version() + ":" + r.fate()).toList();
    }
}

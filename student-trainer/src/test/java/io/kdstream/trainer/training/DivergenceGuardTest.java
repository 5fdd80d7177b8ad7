package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kdstream.schemas.HoldoutScores;
import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;

class DivergenceGuardTest {

    private static final List<Example> HOLDOUT = List.of(new Example("h-1", new float[1], new float[]{1f}, -1, 0, 0));

    /** What every scripted distiller built by the factory was built from, in order. */
    private final List<String> builtFrom = new ArrayList<>();
    private final List<DivergenceGuard.Cause> rollbacks = new ArrayList<>();
    private final List<Scripted> built = new ArrayList<>();
    /** The holdout agreement the next distiller built starts with. */
    private float nextBuilt = 0.5f;
    private int snapshots;

    @Test
    void shouldRollBackToTheLastGoodWeightsWhenAStepLeavesNonFiniteWeights() {
        // given a student whose last snapshot was good
        DivergenceGuard guard = guard(0.1);
        scripted().next(0.9f);
        guard.snapshot(HOLDOUT);

        // when a step goes NaN and breaks its weights
        scripted().breakOnNextStep = true;
        float loss = guard.step(batch());

        // then the student is rebuilt from the last good snapshot, once, and counted
        assertThat(loss).isNaN();
        assertThat(rollbacks).containsExactly(DivergenceGuard.Cause.NON_FINITE_WEIGHTS);
        assertThat(builtFrom).containsExactly("fresh", "weights-2");
        assertThat(guard.healthy()).isTrue();
    }

    @Test
    void shouldNotRollBackAHealthyStudentForASkippedStep() {
        DivergenceGuard guard = guard(0.1);
        scripted().nanLossOnNextStep = true;

        float loss = guard.step(batch());

        assertThat(loss).isNaN();
        assertThat(rollbacks).isEmpty();
        assertThat(builtFrom).containsExactly("fresh");
    }

    @Test
    void shouldRollBackWhenHoldoutAgreementCollapsesAgainstTheLastGoodWeightsOnTheSameExamples() {
        // given a good snapshot at 0.9
        DivergenceGuard guard = guard(0.1);
        scripted().next(0.9f);
        guard.snapshot(HOLDOUT);

        // when the next one scores 0.2, while the last good weights still score 0.88 on the same examples
        Scripted collapsed = scripted();
        collapsed.next(0.2f);
        nextBuilt = 0.88f;
        Snapshot published = guard.snapshot(HOLDOUT);

        // then the student goes back to the last good weights, and what is published is scored from them
        assertThat(rollbacks).containsExactly(DivergenceGuard.Cause.HOLDOUT_REGRESSION);
        assertThat(builtFrom).containsExactly("fresh", "weights-2", "weights-2");
        assertThat(published.scores().getAgreement()).isEqualTo(0.88f);
    }

    @Test
    void shouldKeepAStudentWhoseHoldoutMovedWhenTheLastGoodWeightsDoNoBetterOnIt() {
        // given a good snapshot at 0.9
        DivergenceGuard guard = guard(0.1);
        scripted().next(0.9f);
        guard.snapshot(HOLDOUT);

        // when a drift brings the newest to 0.7, and the last good weights score 0.65 on the same new examples
        scripted().next(0.7f);
        nextBuilt = 0.65f;
        Snapshot published = guard.snapshot(HOLDOUT);

        // then no rollback: the student is better than its past on what the stream now looks like
        assertThat(rollbacks).isEmpty();
        assertThat(published.scores().getAgreement()).isEqualTo(0.7f);
    }

    @Test
    void shouldIgnoreHoldoutScoresWhenTheCheckIsOff() {
        DivergenceGuard guard = guard(0);
        scripted().next(0.9f);
        guard.snapshot(HOLDOUT);
        scripted().next(0.1f);

        assertThat(guard.snapshot(HOLDOUT).scores().getAgreement()).isEqualTo(0.1f);
        assertThat(rollbacks).isEmpty();
    }

    private DivergenceGuard guard(double maxDrop) {
        return new DivergenceGuard("test", (weights, auxiliary) -> {
            builtFrom.add(weights == null ? "fresh" : new String(weights));
            Scripted distiller = new Scripted();
            distiller.next(nextBuilt);
            built.add(distiller);
            return distiller;
        }, null, Map.of(), maxDrop, rollbacks::add);
    }

    /** The distiller the guard trains on now (the newest built that is not a throw-away rescoring copy). */
    private Scripted scripted() {
        return built.stream().filter(d -> !d.closed).reduce((a, b) -> b).orElseThrow();
    }

    private static Batch batch() {
        return new Batch(new float[1], new float[]{1f}, new int[]{-1}, 1, 1);
    }

    /** A distiller whose losses, health and holdout agreement the test sets. */
    private final class Scripted implements Distiller {
        boolean breakOnNextStep;
        boolean nanLossOnNextStep;
        boolean healthy = true;
        boolean closed;
        float agreement;

        void next(float nextAgreement) {
            agreement = nextAgreement;
        }

        @Override
        public float step(Batch batch) {
            if (breakOnNextStep) {
                healthy = false;
                return Float.NaN;
            }
            return nanLossOnNextStep ? Float.NaN : 1f;
        }

        @Override
        public boolean healthy() {
            return healthy;
        }

        @Override
        public Snapshot snapshot(List<Example> holdout) {
            byte[] weights = ("weights-" + ++snapshots).getBytes();
            return new Snapshot(weights, Map.of(), new HoldoutScores(holdout.size(), agreement, 0f, null, null));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

package io.kdstream.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import ai.djl.Device;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.gateway.examples.LabelledExample;
import io.kdstream.gateway.examples.RecentExamples;
import io.kdstream.gateway.testing.GateExamples;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.kdstream.schemas.Checkpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PairedGateTest {

    private static final PairedGate.Settings DEFAULTS = new PairedGate.Settings(300, 1000, Duration.ZERO, 0.01, 0.05,
            20, 2.0, 0.6);
    private final byte[] good = TestCheckpoints.trainedWeights();
    private static final List<LabelledExample> SAMPLE = GateExamples.labelledBy(TestCheckpoints.trainedWeights(), 400);
    private final List<LabelledExample> sample = SAMPLE;
    private final Checkpoint servedManifest = TestCheckpoints.manifest("student", 1, good, 0.9f);
    private final Classifier served = load(good);
    private Classifier candidate;

    @AfterEach
    void close() {
        served.close();
        if (candidate != null) {
            candidate.close();
        }
    }

    @Test
    void shouldAcceptACandidateThatAnswersLikeTheServedModelAndReportWhatItMeasured() {
        PairedGate.Judgement judgement = judge(new PairedGate(new RecentExamples(1), "kd-soft-labels", DEFAULTS), good, sample);

        assertThat(judgement.passed()).as("%s: %s", judgement.reason(), judgement.detail()).isTrue();
        assertThat(judgement.report().examples()).isEqualTo(400);
        assertThat(judgement.report().candidateAgreement()).isEqualTo(1.0);
        assertThat(judgement.report().difference()).isEqualTo(new PairedDifference(400, 0, 0));
        assertThat(judgement.report().candidateAccuracy()).isBetween(0.1, 1.0).isEqualTo(judgement.report().servedAccuracy());
        assertThat(judgement.report().classes()).extracting(PairedGate.ClassComparison::className).isNotEmpty()
                .isSubsetOf(io.kdstream.core.task.BuiltInTasks.FASHION_MNIST.classNames());
    }

    @Test
    void shouldRefuseACandidateWorseOnTheSameExamples() {
        PairedGate.Judgement judgement = judge(new PairedGate(new RecentExamples(1), "kd-soft-labels", DEFAULTS),
                GateExamples.withoutRareClasses(good, sample, 0.1), sample);

        assertThat(judgement.reason()).isEqualTo(RefusalReasons.AGREEMENT_DROP);
        assertThat(judgement.detail()).contains("same 400 recent examples").contains("served version 1's 1.0000");
    }

    @Test
    void shouldRefuseACandidateWhoseWorstClassCollapsesAndNameTheClass() {
        // given an overall allowance so wide that only the per-class check can refuse
        PairedGate.Settings lenient = new PairedGate.Settings(300, 1000, Duration.ZERO, 0.5, 0.05, 5, 2.0, 0.0);
        int collapsed = rarestTeacherClassWithAtLeast(20);

        PairedGate.Judgement judgement = judge(new PairedGate(new RecentExamples(1), "kd-soft-labels", lenient),
                GateExamples.withoutClasses(good, collapsed), sample);

        assertThat(judgement.reason()).isEqualTo(RefusalReasons.CLASS_REGRESSION);
        String name = io.kdstream.core.task.BuiltInTasks.FASHION_MNIST.classNames().get(collapsed);
        assertThat(judgement.detail()).startsWith("class '" + name + "' agreement 0.0000 vs the served version 1's 1.0000");
    }

    @Test
    void shouldRefuseNonFiniteOutputsAnotherClassCountAndTooFewExamples() {
        PairedGate gate = new PairedGate(new RecentExamples(1), "kd-soft-labels", DEFAULTS);

        assertThat(judge(gate, TestCheckpoints.nanWeights(), sample).reason()).isEqualTo(RefusalReasons.NON_FINITE_OUTPUT);
        candidate.close();
        candidate = null;
        assertThat(judge(gate, good, sample.subList(0, 50)).detail())
                .isEqualTo("50 recent examples at or after the candidate's lineage offsets fit its task, 300 needed (gate.examples.min)");
        candidate.close();

        Architecture fiveClasses = Architecture.parse("mlp:784-16-5");
        try (Learner learner = new Learner(fiveClasses, Device.cpu(), new DistillationLoss(1f, 0.5f), OptimizerSettings.DEFAULT, null)) {
            candidate = Classifier.fromWeights(fiveClasses, learner.weights(), Device.cpu());
        }
        PairedGate.Judgement judgement = gate.judge(TestCheckpoints.manifest("student", 2, good, 0.9f), candidate,
                servedManifest, served, sample);
        assertThat(judgement.reason()).isEqualTo(RefusalReasons.CLASS_COUNT);
        assertThat(judgement.detail()).isEqualTo("the candidate answers 5 classes but the served version 1 answers 10");
    }

    @Test
    void shouldJudgeTheFirstModelOnItsFloorAloneAndPassItWhenExamplesAreTooFew() {
        PairedGate gate = new PairedGate(new RecentExamples(1), "kd-soft-labels", DEFAULTS);
        candidate = load(good);
        Checkpoint manifest = TestCheckpoints.manifest("student", 2, good, 0.9f);

        assertThat(gate.judge(manifest, candidate, null, null, sample).passed()).isTrue();
        assertThat(gate.judge(manifest, candidate, null, null, sample.subList(0, 10)).passed()).isTrue();
        candidate.close();
        candidate = load(GateExamples.withoutClasses(good, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertThat(gate.judge(manifest, candidate, null, null, sample).reason()).isEqualTo(RefusalReasons.BELOW_FLOOR);
    }

    @Test
    void shouldNotRunAServedModelAgainOnExamplesItAnsweredAsTheCandidate() {
        // given a candidate judged and passed on the sample, then served (the very same loaded classifier)
        PairedGate gate = new PairedGate(new RecentExamples(1), "kd-soft-labels", DEFAULTS);
        Classifier passed = load(good);
        Checkpoint passedManifest = TestCheckpoints.manifest("student", 2, good, 0.9f);
        assertThat(gate.judge(passedManifest, passed, servedManifest, served, sample).passed()).isTrue();

        // when the next candidate is judged against it on the same examples plus 50 it has not answered, with its
        // native model closed: a forward pass over any example it answered before would fail
        List<LabelledExample> next = new java.util.ArrayList<>(sample);
        next.addAll(GateExamples.labelledBy(good, 450).subList(400, 450));
        PairedGate.Judgement onlyNew;
        try (Classifier between = load(good)) {
            onlyNew = gate.judge(TestCheckpoints.manifest("student", 3, good, 0.9f), between, passedManifest, passed, next);
        }
        passed.close();
        candidate = load(good);
        PairedGate.Judgement judgement = gate.judge(TestCheckpoints.manifest("student", 4, good, 0.9f), candidate,
                passedManifest, passed, next);

        // then the remembered answers decide, as a fresh forward pass did
        assertThat(onlyNew.passed()).isTrue();
        assertThat(judgement.passed()).as("%s: %s", judgement.reason(), judgement.detail()).isTrue();
        assertThat(judgement.report()).isEqualTo(onlyNew.report());
    }

    private PairedGate.Judgement judge(PairedGate gate, byte[] candidateWeights, List<LabelledExample> examples) {
        candidate = load(candidateWeights);
        return gate.judge(TestCheckpoints.manifest("student", 2, candidateWeights, 0.9f), candidate, servedManifest, served,
                new java.util.ArrayList<>(examples));
    }

    /** A class the served model answers often enough to be judged, yet rarely enough that overall agreement holds up. */
    private int rarestTeacherClassWithAtLeast(int examples) {
        int[] counts = new int[10];
        sample.forEach(example -> counts[example.teacherClass()]++);
        int rarest = -1;
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] >= examples && (rarest < 0 || counts[k] < counts[rarest])) {
                rarest = k;
            }
        }
        return rarest;
    }

    private static Classifier load(byte[] weights) {
        return Classifier.fromWeights(TestCheckpoints.ARCHITECTURE, weights, Device.cpu());
    }
}

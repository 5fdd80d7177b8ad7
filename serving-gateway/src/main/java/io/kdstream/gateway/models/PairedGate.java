package io.kdstream.gateway.models;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kdstream.core.model.Classifier;
import io.kdstream.core.task.TaskContract;
import io.kdstream.gateway.examples.LabelledExample;
import io.kdstream.gateway.examples.RecentExamples;
import io.kdstream.schemas.Checkpoint;

/**
 * The gateway's own measurement of a candidate: it scores the candidate and the served model on the same recent
 * teacher-labelled examples, taken at or after the candidate's lineage offsets so that neither model trained on
 * them, and refuses a candidate that is worse beyond a paired allowance overall ({@code agreement-drop}) or in its
 * worst class ({@code class-regression}, each of k judged classes at the stricter z of
 * {@link PairedDifference#zForEach}); see {@link PairedDifference} for the test. The trainer's manifest scores
 * are information only: they were measured by the trainer on a slice that moves with the stream.
 *
 * <p>Gating runs on the checkpoint follower's thread, never on the request path; the wait for examples runs
 * before the {@link ModelManager}'s lock is taken. Each example is decoded once for both models, and a model's
 * answers are remembered ({@link AnswerMemo}), so the served model mostly runs only on examples it has not seen.
 */
public final class PairedGate {

    /**
     * @param minExamples      fewer usable unseen examples than this: judged {@code too-few-examples}, which keeps a
     *                         candidate pending once a model serves (and passes a first model on its manifest)
     * @param maxExamples      the newest this many unseen examples are scored
     * @param maxWait          longest wait for {@code minExamples} unseen examples
     * @param maxDrop          allowance on overall agreement
     * @param classMaxDrop     allowance on one class's agreement
     * @param classMinExamples classes with fewer examples than this are not judged on their own
     * @param z                standard errors the candidate is given the benefit of
     * @param minAgreement     floor on the candidate's measured agreement
     */
    public record Settings(int minExamples, int maxExamples, Duration maxWait, double maxDrop, double classMaxDrop,
                           int classMinExamples, double z, double minAgreement) {
    }

    /** The candidate and the served model on one class (the teacher's top class). */
    public record ClassComparison(String className, int examples, double candidateAgreement, double servedAgreement,
                                  PairedDifference difference) {
    }

    /** What the gate measured; fields are NaN where they could not be measured. */
    public record Report(int examples, double candidateAgreement, double servedAgreement, double candidateKl,
                         double servedKl, double candidateAccuracy, double servedAccuracy, PairedDifference difference,
                         List<ClassComparison> classes) {

        static final Report NONE = counted(0);

        /** Only how many usable examples there were: too few to measure anything. */
        static Report counted(int examples) {
            return new Report(examples, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    new PairedDifference(0, 0, 0), List.of());
        }

        public String summary() {
            return String.format(Locale.ROOT, "agreement %.4f vs %.4f, KL %.4f vs %.4f, accuracy %.4f vs %.4f on %d examples",
                    candidateAgreement, servedAgreement, candidateKl, servedKl, candidateAccuracy, servedAccuracy, examples);
        }
    }

    /** A refusal reason and detail, or a pass (reason null), with what was measured. */
    public record Judgement(String reason, String detail, Report report) {

        public boolean passed() {
            return reason == null;
        }

        static Judgement refused(String reason, String detail, Report report) {
            return new Judgement(reason, detail, report);
        }
    }

    private final RecentExamples recent;
    private final String labelsTopic;
    private final Settings settings;
    private final AnswerMemo memo = new AnswerMemo();

    public PairedGate(RecentExamples recent, String labelsTopic, Settings settings) {
        this.recent = recent;
        this.labelsTopic = labelsTopic;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The examples the candidate is judged on: recent ones it cannot have trained on, waiting up to the configured
     * time for enough when {@code wait} is set.
     */
    public List<LabelledExample> sample(Checkpoint candidate, boolean wait) throws InterruptedException {
        Map<Integer, Long> offsets = RecentExamples.nextOffsets(candidate.getLineage(), labelsTopic);
        return recent.awaitUnseen(offsets, settings.minExamples(), settings.maxExamples(), wait ? settings.maxWait() : Duration.ZERO);
    }

    /** The examples the candidate has not trained on that are held now, without waiting for more. */
    public List<LabelledExample> unseen(Checkpoint candidate) {
        return recent.unseen(RecentExamples.nextOffsets(candidate.getLineage(), labelsTopic), settings.maxExamples());
    }

    /**
     * Judges a loaded candidate against the served model on {@code sample}.
     *
     * @param served the served model's manifest and classifier, or null when none serves yet (then only the floor
     *               and finite outputs are checked, and only when the sample is large enough)
     */
    public Judgement judge(Checkpoint candidate, Classifier candidateModel, Checkpoint served, Classifier servedModel,
                           List<LabelledExample> sample) {
        TaskContract candidateTask = TaskContract.ofManifest(candidate.getTask());
        if (servedModel != null && servedModel.classes() != candidateModel.classes()) {
            return Judgement.refused(RefusalReasons.CLASS_COUNT, "the candidate answers " + candidateModel.classes()
                    + " classes but the served version " + served.getVersion() + " answers " + servedModel.classes(), Report.NONE);
        }
        if (servedModel != null && TaskContract.ofManifest(served.getTask()).mismatchWith(candidateTask) != null) {
            return Judgement.refused(RefusalReasons.GATE_FAILED, "the candidate's task differs from the served version "
                    + served.getVersion() + "'s, so their answers cannot be paired", Report.NONE);
        }
        // One task for both, so each example is decoded once and both models answer the same rows.
        List<LabelledExample> usable = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        int otherClassCount = 0;
        for (LabelledExample example : sample) {
            if (example.teacher().length != candidateModel.classes()) {
                otherClassCount++;
                continue;
            }
            float[] row = memo.input(candidateTask, example);
            row = row != null && row.length == candidateModel.inputSize() ? row : null;
            if (row != null) {
                usable.add(example);
                rows.add(row);
            }
        }
        memo.retainInputs(usable);
        if (usable.isEmpty() && otherClassCount > 0) {
            return Judgement.refused(RefusalReasons.CLASS_COUNT, "the candidate answers " + candidateModel.classes()
                    + " classes but the teacher's recent labels have " + sample.get(0).teacher().length, Report.NONE);
        }
        if (usable.size() < settings.minExamples()) {
            if (servedModel == null) {
                return new Judgement(null, "first model: too few recent examples to measure (" + usable.size() + ")", Report.NONE);
            }
            return Judgement.refused(RefusalReasons.TOO_FEW_EXAMPLES, usable.size() + " recent examples at or after the "
                    + "candidate's lineage offsets fit its task, " + settings.minExamples() + " needed (gate.examples.min)"
                    + (otherClassCount > 0 ? "; " + otherClassCount + " had another class count" : ""), Report.counted(usable.size()));
        }
        ExampleAnswers candidateAnswers = memo.answers(candidateModel, usable, rows);
        if (candidateAnswers.problem() != null) {
            return Judgement.refused(RefusalReasons.NON_FINITE_OUTPUT, candidateAnswers.problem(), Report.NONE);
        }
        if (servedModel == null) {
            return floor(candidateAnswers, usable, measuredAlone(candidateAnswers, usable));
        }
        // The served model has usually answered most of these examples already, often as the previous candidate.
        ExampleAnswers servedAnswers = memo.answers(servedModel, usable, rows);
        if (servedAnswers.problem() != null) {
            return Judgement.refused(RefusalReasons.GATE_FAILED, "the served model itself gave bad outputs: "
                    + servedAnswers.problem(), Report.NONE);
        }
        Report report = compare(candidateAnswers, servedAnswers, usable, candidateTask.classNames());
        Judgement floor = floor(candidateAnswers, usable, report);
        if (!floor.passed()) {
            return floor;
        }
        return compared(report, served.getVersion());
    }

    /** The paired verdict on what was measured: overall agreement first, then the worst class. */
    Judgement compared(Report report, long servedVersion) {
        double z = settings.z();
        if (report.difference().worseBeyond(settings.maxDrop(), z)) {
            return Judgement.refused(RefusalReasons.AGREEMENT_DROP, String.format(Locale.ROOT,
                    "measured on the same %d recent examples, agreement %.4f vs the served version %d's %.4f: %s, "
                            + "worse beyond gate.max.drop %.3f", report.examples(), report.candidateAgreement(),
                    servedVersion, report.servedAgreement(), report.difference().describe(z), settings.maxDrop()), report);
        }
        // Every judged class is one more chance of a false refusal, so each is tested at a stricter z.
        List<ClassComparison> judged = report.classes().stream()
                .filter(comparison -> comparison.examples() >= settings.classMinExamples())
                .toList();
        double classZ = PairedDifference.zForEach(z, judged.size());
        ClassComparison worst = judged.stream()
                .filter(comparison -> comparison.difference().worseBeyond(settings.classMaxDrop(), classZ))
                .min(Comparator.comparingDouble(comparison -> comparison.difference().upperBound(classZ)))
                .orElse(null);
        if (worst != null) {
            return Judgement.refused(RefusalReasons.CLASS_REGRESSION, String.format(Locale.ROOT,
                    "class '%s' agreement %.4f vs the served version %d's %.4f on %d examples: %s, worse beyond "
                            + "gate.class.max.drop %.3f", worst.className(), worst.candidateAgreement(), servedVersion,
                    worst.servedAgreement(), worst.examples(), worst.difference().describe(classZ), settings.classMaxDrop()), report);
        }
        return new Judgement(null, report.summary(), report);
    }

    private Judgement floor(ExampleAnswers candidate, List<LabelledExample> usable, Report report) {
        double agreement = candidate.agreement();
        if (!(agreement >= settings.minAgreement())) {
            return Judgement.refused(RefusalReasons.BELOW_FLOOR, String.format(Locale.ROOT,
                    "agreement %.4f measured on %d recent examples is below gate.min.agreement %.3f", agreement,
                    usable.size(), settings.minAgreement()), report);
        }
        return new Judgement(null, report.summary(), report);
    }

    private static Report measuredAlone(ExampleAnswers candidate, List<LabelledExample> usable) {
        return new Report(usable.size(), candidate.agreement(), Double.NaN, candidate.kl(), Double.NaN,
                candidate.accuracy(usable), Double.NaN, new PairedDifference(0, 0, 0), List.of());
    }

    private static Report compare(ExampleAnswers candidate, ExampleAnswers served, List<LabelledExample> usable,
                                  List<String> classNames) {
        int classes = usable.get(0).teacher().length;
        int[] count = new int[classes];
        int[] candidateOnly = new int[classes];
        int[] servedOnly = new int[classes];
        int[] candidateHits = new int[classes];
        int[] servedHits = new int[classes];
        for (int i = 0; i < usable.size(); i++) {
            int c = usable.get(i).teacherClass();
            count[c]++;
            candidateHits[c] += candidate.agrees()[i] ? 1 : 0;
            servedHits[c] += served.agrees()[i] ? 1 : 0;
            candidateOnly[c] += candidate.agrees()[i] && !served.agrees()[i] ? 1 : 0;
            servedOnly[c] += served.agrees()[i] && !candidate.agrees()[i] ? 1 : 0;
        }
        List<ClassComparison> perClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (count[c] > 0) {
                String name = c < classNames.size() ? classNames.get(c) : "class-" + c;
                perClass.add(new ClassComparison(name, count[c], (double) candidateHits[c] / count[c],
                        (double) servedHits[c] / count[c], new PairedDifference(count[c], candidateOnly[c], servedOnly[c])));
            }
        }
        return new Report(usable.size(), candidate.agreement(), served.agreement(), candidate.kl(), served.kl(),
                candidate.accuracy(usable), served.accuracy(usable), PairedDifference.of(candidate.agrees(), served.agrees()),
                List.copyOf(perClass));
    }
}

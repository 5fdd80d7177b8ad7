package io.kdstream.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.kdstream.gateway.examples.RecentExamples;
import org.junit.jupiter.api.Test;

/**
 * How often the paired gate refuses a candidate exactly as good as the served model (its false-refusal rate), and
 * how often it catches one that is clearly worse, simulated with the gate's own decision rule and default settings.
 * Errors of the two models are independent here, which gives the most discordant pairs and so the most noise;
 * real checkpoints of one training run share most of their errors and are told apart more easily.
 */
class PairedGateFalseRefusalTest {

    private static final int TRIALS = 2000;
    private static final int CLASSES = 10;
    private static final PairedGate.Settings DEFAULTS = new PairedGate.Settings(300, 1000, Duration.ZERO, 0.01, 0.05,
            20, 2.0, 0.6);
    private final PairedGate gate = new PairedGate(new RecentExamples(1), "kd-soft-labels", DEFAULTS);

    @Test
    void shouldRarelyRefuseACandidateAsGoodAsTheServedModel() {
        for (int examples : new int[]{300, 1000}) {
            double rate = refusalRate(examples, 0.88, 0.88, -1, new Random(11));

            System.out.printf("false-refusal rate on %d examples: %.4f%n", examples, rate);
            assertThat(rate).as("false-refusal rate on %d examples", examples).isLessThan(0.02);
        }
    }

    @Test
    void shouldRefuseACandidateEightPointsWorseOrOneClassFortyPointsWorse() {
        System.out.printf("refused: 8 points worse %.4f, one class 40 points worse %.4f%n",
                refusalRate(1000, 0.80, 0.88, -1, new Random(12)), refusalRate(1000, 0.88, 0.88, 3, new Random(13)));
        assertThat(refusalRate(1000, 0.80, 0.88, -1, new Random(12))).as("8 points worse overall").isGreaterThan(0.95);
        assertThat(refusalRate(1000, 0.88, 0.88, 3, new Random(13))).as("class 3 40 points worse").isGreaterThan(0.95);
    }

    /** @param weakClass a class on which the candidate agrees 40 points less, or −1 */
    private double refusalRate(int examples, double candidateAgreement, double servedAgreement, int weakClass, Random random) {
        int refused = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            int[] count = new int[CLASSES];
            int[] candidateOnly = new int[CLASSES];
            int[] servedOnly = new int[CLASSES];
            int[] candidateHits = new int[CLASSES];
            int[] servedHits = new int[CLASSES];
            boolean[] candidate = new boolean[examples];
            boolean[] served = new boolean[examples];
            for (int i = 0; i < examples; i++) {
                int c = random.nextInt(CLASSES);
                double p = c == weakClass ? candidateAgreement - 0.4 : candidateAgreement;
                candidate[i] = random.nextDouble() < p;
                served[i] = random.nextDouble() < servedAgreement;
                count[c]++;
                candidateHits[c] += candidate[i] ? 1 : 0;
                servedHits[c] += served[i] ? 1 : 0;
                candidateOnly[c] += candidate[i] && !served[i] ? 1 : 0;
                servedOnly[c] += served[i] && !candidate[i] ? 1 : 0;
            }
            List<PairedGate.ClassComparison> classes = new ArrayList<>();
            for (int c = 0; c < CLASSES; c++) {
                classes.add(new PairedGate.ClassComparison("class-" + c, count[c], (double) candidateHits[c] / count[c],
                        (double) servedHits[c] / count[c], new PairedDifference(count[c], candidateOnly[c], servedOnly[c])));
            }
            PairedGate.Report report = new PairedGate.Report(examples, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, PairedDifference.of(candidate, served), classes);
            refused += gate.compared(report, 1).passed() ? 0 : 1;
        }
        return (double) refused / TRIALS;
    }
}

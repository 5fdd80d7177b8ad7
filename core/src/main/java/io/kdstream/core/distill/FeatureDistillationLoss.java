package io.kdstream.core.distill;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * The response loss plus weighted feature losses, one training objective:
 *
 * <pre>
 *   L = w_kd · L_kd(logits, soft labels, true labels) + Σ_terms w_term · L_term(student features, teacher features)
 * </pre>
 *
 * {@code L_kd} is {@link DistillationLoss} (α·T²·KL + (1 − α)·CE). Each weight must be finite and ≥ 0; a term of
 * weight 0 is not evaluated at all. Terms are named (by default after their method), so that one method can serve
 * two layer pairs and every error and per-term value says which term it is about.
 */
public final class FeatureDistillationLoss {

    /** The name of the response term in {@link Evaluation#weightedTerms()}. */
    public static final String RESPONSE_TERM = "kd";

    /** One weighted feature loss. */
    public record Term(String name, float weight, FeatureLoss loss) {

        /** A term named after its method. */
        public static Term of(float weight, FeatureLoss loss) {
            return new Term(loss.method(), weight, loss);
        }
    }

    /** The student's and the teacher's features a term compares, one array per layer pair. */
    public record FeaturePair(NDList student, NDList teacher) {
    }

    /** The objective and its weighted parts (the response term under {@link #RESPONSE_TERM}), for metrics. */
    public record Evaluation(NDArray total, Map<String, NDArray> weightedTerms) {
    }

    private final DistillationLoss response;
    private final float responseWeight;
    private final List<Term> terms;

    /** @throws IllegalArgumentException naming every bad weight, blank or repeated name at once */
    public FeatureDistillationLoss(DistillationLoss response, float responseWeight, List<Term> terms) {
        LossWeights weights = new LossWeights().check(RESPONSE_TERM, responseWeight);
        List<String> nameProblems = new ArrayList<>();
        Set<String> names = new HashSet<>(Set.of(RESPONSE_TERM));
        for (Term term : terms) {
            weights.check(term.name(), term.weight());
            if (term.name() == null || term.name().isBlank()) {
                nameProblems.add("a term of method " + term.loss().method() + " has no name");
            } else if (!names.add(term.name())) {
                nameProblems.add("term name '" + term.name() + "' is used twice (or is the response term's)");
            }
        }
        if (!nameProblems.isEmpty()) {
            throw new IllegalArgumentException("feature distillation: " + String.join("; ", nameProblems));
        }
        weights.throwIfAny("feature distillation");
        this.response = response;
        this.responseWeight = responseWeight;
        this.terms = List.copyOf(terms);
    }

    public DistillationLoss response() {
        return response;
    }

    public List<Term> terms() {
        return terms;
    }

    /** Every term's learned blocks (regressors, projection heads), which train jointly with the student. */
    public List<Block> learnedBlocks() {
        List<Block> blocks = new ArrayList<>();
        terms.forEach(term -> blocks.addAll(term.loss().learnedBlocks()));
        return blocks;
    }

    /**
     * @param labels      as {@link DistillationLoss} takes them: teacher probabilities and true labels
     * @param predictions the student's logits
     * @param features    each term's features by term name; terms of weight 0 need none
     * @throws IllegalArgumentException when a weighted term has no features, naming the term and those present
     */
    public Evaluation evaluate(NDList labels, NDList predictions, Map<String, FeaturePair> features,
                               ParameterStore parameters, boolean training) {
        Map<String, NDArray> weighted = new LinkedHashMap<>();
        if (responseWeight > 0) {
            weighted.put(RESPONSE_TERM, response.evaluate(labels, predictions).mul(responseWeight));
        }
        for (Term term : terms) {
            if (term.weight() == 0) {
                continue;
            }
            FeaturePair pair = features.get(term.name());
            if (pair == null) {
                throw new IllegalArgumentException("feature distillation: no features for term '" + term.name()
                        + "' (method " + term.loss().method() + "); the batch carries " + features.keySet());
            }
            weighted.put(term.name(), term.loss().evaluate(pair.student(), pair.teacher(), parameters, training).mul(term.weight()));
        }
        NDArray total = predictions.head().getManager().zeros(new Shape());
        for (NDArray part : weighted.values()) {
            total = total.add(part);
        }
        return new Evaluation(total, weighted);
    }
}

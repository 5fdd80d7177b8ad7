package io.kdstream.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;

/**
 * Adversarial KD (after Xu et al., "Training Shallow and Thin Networks for Acceleration via Knowledge
 * Distillation with Conditional Adversarial Networks", 2018): a small discriminator {@code D} (one hidden ReLU
 * layer, a logit out) learns to tell the teacher's output distribution from the student's, and the student learns
 * to make its own indistinguishable. With σ the logistic function and both distributions softened at the same T:
 *
 * <pre>
 *   student (this loss):  L_S = mean over the batch of −log σ(D(p_s))                        (non-saturating)
 *   discriminator:        L_D = mean of −log σ(D(p_t)) + mean of −log(1 − σ(D(p_s)))     (p_s without gradient)
 * </pre>
 *
 * The two objectives pull {@code D} opposite ways, so the discriminator is <b>not</b> among
 * {@link #learnedBlocks()}: the student's optimizer must leave it alone, and a second optimizer steps it on
 * {@link #discriminatorLoss} after each student step. The discriminator sees the whole distribution, so it
 * teaches what per-example KL cannot: how the student's outputs are spread over the stream.
 */
public final class AdversarialLoss implements FeatureLoss {

    public static final int DEFAULT_HIDDEN = 64;

    private final Block discriminator;

    public AdversarialLoss() {
        this(DEFAULT_HIDDEN);
    }

    public AdversarialLoss(int hidden) {
        if (hidden <= 0) {
            throw new IllegalArgumentException("adversarial: discriminator hidden units must be positive but are " + hidden);
        }
        this.discriminator = new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(1).build());
    }

    @Override
    public String method() {
        return "adversarial";
    }

    /** The discriminator, trained by its own optimizer on {@link #discriminatorLoss}, never by the student's. */
    public Block discriminator() {
        return discriminator;
    }

    /** Xavier weights and zero biases for distributions over {@code classes} classes. */
    public void initialize(NDManager manager, int classes) {
        discriminator.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        discriminator.initialize(manager, DataType.FLOAT32, new Shape(1, classes));
    }

    /** L_S: how surely the discriminator takes the student's distributions for the teacher's. */
    @Override
    public NDArray evaluate(NDList student, NDList teacher, ParameterStore parameters, boolean training) {
        FeatureMath.LayerPair pair = FeatureMath.onlyPair(method(), student, teacher);
        requireSameClasses(pair);
        return softplus(judge(pair.student(), parameters, training).neg()).mean();
    }

    /** L_D: the discriminator's own loss, teacher distributions real, student distributions (detached) fake. */
    public NDArray discriminatorLoss(NDList student, NDList teacher, ParameterStore parameters, boolean training) {
        FeatureMath.LayerPair pair = FeatureMath.onlyPair(method(), student, teacher);
        requireSameClasses(pair);
        NDArray real = softplus(judge(pair.teacher(), parameters, training).neg()).mean();
        NDArray fake = softplus(judge(pair.student().stopGradient(), parameters, training)).mean();
        return real.add(fake);
    }

    private NDArray judge(NDArray distributions, ParameterStore parameters, boolean training) {
        return discriminator.forward(parameters, new NDList(distributions), training).singletonOrThrow();
    }

    /** log(1 + eˣ) without overflow: max(x, 0) + log(1 + e^−|x|). */
    private static NDArray softplus(NDArray x) {
        return x.maximum(0f).add(x.abs().neg().exp().add(1f).log());
    }

    private void requireSameClasses(FeatureMath.LayerPair pair) {
        Shape s = pair.student().getShape();
        Shape t = pair.teacher().getShape();
        if (s.dimension() != 2 || !s.equals(t)) {
            throw new IllegalArgumentException("adversarial: student and teacher distributions must both be (batch, classes) of the same"
                    + " size but are " + s + " and " + t);
        }
    }
}

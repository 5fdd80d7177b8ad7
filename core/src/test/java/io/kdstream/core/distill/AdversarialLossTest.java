package io.kdstream.core.distill;

import static io.kdstream.core.distill.FeatureLossTesting.evaluate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hand values with one hidden unit: weights (1, 0), bias 0, then 2 and −1, so D(p) = 2·p₀ − 1. The student's
 * (0.25, 0.75) scores −0.5, the teacher's (0.9, 0.1) scores 0.8.
 */
class AdversarialLossTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void shouldBeTheStudentsNonSaturatingGeneratorLoss() {
        // when
        float loss = evaluate(handSetDiscriminator(), student(), teacher());

        // then: −log σ(−0.5) = log(1 + e^0.5)
        assertThat(loss).isCloseTo((float) Math.log1p(Math.exp(0.5)), within(1e-6f));
    }

    @Test
    void shouldBeTheDiscriminatorsCrossEntropyWithTheTeacherReal() {
        AdversarialLoss adversarial = handSetDiscriminator();

        float loss = adversarial.discriminatorLoss(new NDList(student()), new NDList(teacher()), new ParameterStore(manager, false), true).getFloat();

        // then: −log σ(0.8) − log(1 − σ(−0.5)) = log(1 + e^−0.8) + log(1 + e^−0.5)
        assertThat(loss).isCloseTo((float) (Math.log1p(Math.exp(-0.8)) + Math.log1p(Math.exp(-0.5))), within(1e-6f));
    }

    @Test
    void shouldNotPassTheDiscriminatorsLossBackIntoTheStudent() {
        AdversarialLoss adversarial = handSetDiscriminator();
        NDArray studentOutputs = student();
        studentOutputs.setRequiresGradient(true);

        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(adversarial.discriminatorLoss(new NDList(studentOutputs), new NDList(teacher()), new ParameterStore(manager, false), true));
        }

        assertThat(studentOutputs.getGradient().toFloatArray()).containsOnly(0f);
    }

    @Test
    void shouldLearnToTellTheTeacherFromTheStudent() {
        // given a fresh discriminator, a peaked teacher and a flat student
        AdversarialLoss adversarial = new AdversarialLoss(8);
        adversarial.initialize(manager, 2);
        for (Pair<String, Parameter> parameter : adversarial.discriminator().getParameters()) {
            parameter.getValue().getArray().setRequiresGradient(true);
        }
        NDList student = new NDList(manager.create(new float[]{0.5f, 0.5f, 0.45f, 0.55f}, new Shape(2, 2)));
        NDList teacher = new NDList(manager.create(new float[]{0.95f, 0.05f, 0.1f, 0.9f}, new Shape(2, 2)));

        // when it takes 200 plain gradient steps on its own loss
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.5f)).build();
        float before = discriminatorStep(adversarial, student, teacher, null);
        for (int step = 0; step < 200; step++) {
            discriminatorStep(adversarial, student, teacher, sgd);
        }
        float after = discriminatorStep(adversarial, student, teacher, null);

        // then it separates them: its loss falls well below chance (2·log 2 = 1.386)
        assertThat(before).isGreaterThan(1f);
        assertThat(after).isLessThan(0.3f);
    }

    @Test
    void shouldRefuseDistributionsOfDifferentClassCounts() {
        assertThatThrownBy(() -> evaluate(handSetDiscriminator(), manager.ones(new Shape(1, 2)), manager.ones(new Shape(1, 3))))
                .hasMessageContaining("adversarial")
                .hasMessageContaining("(1, 2) and (1, 3)");
    }

    /** The discriminator's loss before an update by {@code optimizer} (none: no update). */
    private float discriminatorStep(AdversarialLoss adversarial, NDList student, NDList teacher, Optimizer optimizer) {
        float value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.zeroGradients();
            NDArray loss = adversarial.discriminatorLoss(student, teacher, new ParameterStore(manager, false), true);
            collector.backward(loss);
            value = loss.getFloat();
        }
        if (optimizer != null) {
            for (Pair<String, Parameter> parameter : adversarial.discriminator().getParameters()) {
                NDArray weights = parameter.getValue().getArray();
                optimizer.update(parameter.getValue().getId(), weights, weights.getGradient());
            }
        }
        return value;
    }

    private AdversarialLoss handSetDiscriminator() {
        AdversarialLoss adversarial = new AdversarialLoss(1);
        adversarial.initialize(manager, 2);
        float[][] values = {{1, 0}, {0}, {2}, {-1}};
        int i = 0;
        for (Pair<String, Parameter> parameter : adversarial.discriminator().getParameters()) {
            parameter.getValue().getArray().set(values[i++]);
        }
        return adversarial;
    }

    private NDArray student() {
        return manager.create(new float[]{0.25f, 0.75f}, new Shape(1, 2));
    }

    private NDArray teacher() {
        return manager.create(new float[]{0.9f, 0.1f}, new Shape(1, 2));
    }
}

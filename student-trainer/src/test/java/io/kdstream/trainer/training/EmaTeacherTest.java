package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import ai.djl.Device;
import io.kdstream.core.distill.DistillationLoss;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.training.Learner;
import io.kdstream.core.training.OptimizerSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmaTeacherTest {

    /**
     * With {@code :norm} the average covers the input standardisation's statistics too (they are parameters), so a
     * published average standardises as the students it averaged did; the inputs are on a raw scale of 0..100 there.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mlp:4-3-2", "mlp:4-3-2:norm"})
    void shouldStayPutAtDecayOneAndCopyTheStudentAtDecayZero(String spec) {
        // given a teacher frozen at the student's first weights, and a student that moved on
        Architecture tiny = Architecture.parse(spec);
        float scale = tiny.norm() ? 100f : 1f;
        float[] inputs = new float[20];
        Random random = new Random(5);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = scale * random.nextFloat();
        }
        try (Learner student = new Learner(tiny, Device.cpu(), new DistillationLoss(1f, 0f), OptimizerSettings.DEFAULT, null);
             EmaTeacher teacher = new EmaTeacher(tiny, Device.cpu(), student.weights())) {
            float[] before = teacher.probabilities(inputs, 5, 1f);
            for (int i = 0; i < 20; i++) {
                student.step(inputs, 5, new float[10], new int[]{0, 1, 0, 1, 0});
            }

            // when it follows with decay 1, then with decay 0
            teacher.follow(student.block(), 1f);
            float[] held = teacher.probabilities(inputs, 5, 1f);
            teacher.follow(student.block(), 0f);
            float[] copied = teacher.probabilities(inputs, 5, 1f);

            // then
            float[] expected = student.probabilities(inputs, 5, 1f);
            for (int i = 0; i < expected.length; i++) {
                assertThat(held[i]).isCloseTo(before[i], within(1e-6f));
                assertThat(copied[i]).isCloseTo(expected[i], within(1e-6f));
            }
            assertThat(expected).isNotEqualTo(before);
        }
    }
}

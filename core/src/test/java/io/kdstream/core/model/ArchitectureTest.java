package io.kdstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp:784-96-10", "mlp:784-512-256-10:dropout=0.2", "cnn:28x28-32-64-256-10:dropout=0.3", "cnn:28x28-8-16-32-10", "cnn:3x32x32-8-16-32-7",
            "mlp:16-96-5:norm", "mlp:16-256-128-5:dropout=0.1:norm"})
    void shouldCountParametersAsDjlDoes(String spec) {
        Architecture architecture = Architecture.parse(spec);
        try (Model model = Model.newInstance("count")) {
            Block block = architecture.newBlock();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, architecture.inputShape(1));
            long trainable = 0;
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                if (parameter.getValue().requiresGradient()) {
                    trainable += parameter.getValue().getArray().size();
                }
            }
            assertThat(architecture.parameterCount()).isEqualTo(trainable);
        }
        assertThat(Architecture.parse(architecture.spec())).isEqualTo(architecture);
    }

    @Test
    void shouldKeepTheDefaultStudentUnderATenthOfTheTeacher() {
        assertThat(Architecture.FASHION_STUDENT.parameterCount() * 10).isLessThanOrEqualTo(Architecture.FASHION_TEACHER.parameterCount());
    }

    @Test
    void shouldExplainWhatIsWrongWithASpec() {
        assertThatThrownBy(() -> Architecture.parse("rnn:1-2")).hasMessageContaining("unknown kind 'rnn'");
        assertThatThrownBy(() -> Architecture.parse("mlp:784")).hasMessageContaining("input size and a class count");
        assertThatThrownBy(() -> Architecture.parse("mlp:784-x-10")).hasMessageContaining("'x' is not a whole number");
        assertThatThrownBy(() -> Architecture.parse("cnn:28x28-32-10")).hasMessageContaining("[C]xHxW-c1-c2-hidden-classes");
        assertThatThrownBy(() -> Architecture.parse("mlp:784-10:dropout=1.5")).hasMessageContaining("dropout must be in [0, 1)");
        assertThatThrownBy(() -> Architecture.parse("mlp:784-10:dropout=x")).hasMessageContaining("dropout 'x' is not a number");
        assertThatThrownBy(() -> Architecture.parse("mlp:784-10:scale")).hasMessageContaining("unknown or repeated option 'scale'");
        assertThatThrownBy(() -> Architecture.parse("mlp:784-10:norm:norm")).hasMessageContaining("repeated option 'norm'");
        assertThatThrownBy(() -> Architecture.parse("mlp:784-10:dropout=0:dropout=0.2")).hasMessageContaining("repeated option 'dropout=0.2'");
        assertThatThrownBy(() -> Architecture.parse("cnn:28x28-8-16-32-10:norm")).hasMessageContaining("norm is for mlp only");
    }

    @Test
    void shouldReadTheNormOptionInEitherOrderAndWriteItLast() {
        Architecture architecture = Architecture.parse("mlp:16-256-128-5:norm:dropout=0.1");

        assertThat(architecture.norm()).isTrue();
        assertThat(architecture.dropout()).isEqualTo(0.1f);
        assertThat(architecture.spec()).isEqualTo("mlp:16-256-128-5:dropout=0.1:norm");
        assertThat(architecture).isEqualTo(Architecture.parse("mlp:16-256-128-5:dropout=0.1:norm"))
                .isNotEqualTo(Architecture.parse("mlp:16-256-128-5:dropout=0.1"));
        assertThat(Architecture.parse("mlp:16-96-5").norm()).as("specs of older checkpoints").isFalse();
    }

    @Test
    void shouldTakeImagesOfAnyChannelCount() {
        Architecture colour = Architecture.parse("cnn:3x32x32-8-16-32-7");

        assertThat(colour.channels()).isEqualTo(3);
        assertThat(colour.inputSize()).isEqualTo(3 * 32 * 32);
        assertThat(colour.inputShape(5).getShape()).containsExactly(5, 3, 32, 32);
        assertThat(colour.spec()).isEqualTo("cnn:3x32x32-8-16-32-7");
        assertThat(Architecture.parse("cnn:1x28x28-8-16-32-10")).isEqualTo(Architecture.parse("cnn:28x28-8-16-32-10"));
    }

    @Test
    void shouldPickDefaultsThatFitEveryTask() {
        TaskContract colour = new TaskContract("colour", DType.UINT8, List.of(3, 32, 32), 0, 1,
                List.of("cat", "dog", "bird"), List.of());
        for (TaskContract task : List.of(BuiltInTasks.FASHION_MNIST, BuiltInTasks.TABULAR_RBF, colour)) {
            assertThat(Architecture.teacherFor(task).mismatchWith(task)).as(task.name()).isNull();
            assertThat(Architecture.studentFor(task).mismatchWith(task)).as(task.name()).isNull();
        }
        assertThat(Architecture.teacherFor(BuiltInTasks.FASHION_MNIST)).isEqualTo(Architecture.FASHION_TEACHER);
        assertThat(Architecture.studentFor(BuiltInTasks.FASHION_MNIST)).isEqualTo(Architecture.FASHION_STUDENT);
        assertThat(Architecture.teacherFor(BuiltInTasks.TABULAR_RBF)).isEqualTo(Architecture.parse("mlp:16-256-128-5:dropout=0.1:norm"));
        assertThat(Architecture.studentFor(BuiltInTasks.TABULAR_RBF)).isEqualTo(Architecture.parse("mlp:16-96-5:norm"));
        assertThat(Architecture.teacherFor(colour).norm()).as("byte images keep their scale").isFalse();
        TaskContract bytes = new TaskContract("bytes", DType.UINT8, List.of(64), 0, 1, List.of("a", "b"), List.of());
        assertThat(Architecture.studentFor(bytes)).as("byte vectors keep their scale").isEqualTo(Architecture.parse("mlp:64-96-2"));
    }

    @Test
    void shouldSayWhyAnArchitectureDoesNotFitATask() {
        assertThat(Architecture.FASHION_STUDENT.mismatchWith(BuiltInTasks.TABULAR_RBF))
                .contains("takes 784 inputs and gives 10 classes").contains("tabular-rbf has 16 inputs").contains("5 classes");
        TaskContract flat = new TaskContract("flat", DType.FLOAT32, List.of(784), 0, 1,
                BuiltInTasks.FASHION_MNIST.classNames(), List.of());
        assertThat(Architecture.FASHION_TEACHER.mismatchWith(flat)).contains("takes 1x28x28 images");
        assertThatThrownBy(() -> Architecture.FASHION_STUDENT.requireFits(BuiltInTasks.TABULAR_RBF))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountTheForwardFlopsOfEachLayerAsTwoPerMultiplyAdd() {
        // 784x96 + 96x10 multiply-adds
        assertThat(Architecture.parse("mlp:784-96-10").forwardFlops()).isEqualTo(2L * (784 * 96 + 96 * 10));
        // conv 1->32 at 28x28, conv 32->64 at 14x14, 64x7x7 -> 256, 256 -> 10
        long macs = 9L * 32 * 28 * 28 + 9L * 32 * 64 * 14 * 14 + 64L * 7 * 7 * 256 + 256L * 10;
        assertThat(Architecture.FASHION_TEACHER.forwardFlops()).isEqualTo(2 * macs).isEqualTo(9_287_680L);
    }
}

package io.kdstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp:784-96-10", "mlp:784-512-256-10:dropout=0.2", "cnn:28x28-32-64-256-10:dropout=0.3", "cnn:28x28-8-16-32-10"})
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
        assertThatThrownBy(() -> Architecture.parse("cnn:28x28-32-10")).hasMessageContaining("HxW-c1-c2-hidden-classes");
        assertThatThrownBy(() -> Architecture.parse("mlp:784-10:dropout=1.5")).hasMessageContaining("dropout must be in [0, 1)");
    }
}

package io.kdstream.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;

import io.kdstream.core.tensor.InvalidTensorException;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.Tensor;
import org.junit.jupiter.api.Test;

class TaskContractTest {

    private static final TaskContract FASHION = BuiltInTasks.FASHION_MNIST;
    private static final TaskContract TABULAR = BuiltInTasks.TABULAR_RBF;

    @Test
    void shouldReadImageBytesOnTheModelScale() {
        byte[] pixels = new byte[784];
        pixels[0] = (byte) 255;
        pixels[1] = (byte) 51;

        float[] input = FASHION.toModelInput(Tensors.uint8(pixels, 1, 28, 28));

        assertThat(input).hasSize(784);
        assertThat(input[0]).isEqualTo(1f);
        assertThat(input[1]).isEqualTo(51 / 255f);
        assertThat(input[2]).isZero();
    }

    @Test
    void shouldMapBytesOntoADeclaredRange() {
        TaskContract scaled = new TaskContract("scaled", DType.UINT8, List.of(2), -1f, 3f, List.of("a", "b"), List.of());

        float[] input = scaled.toModelInput(Tensors.uint8(new byte[] {0, (byte) 255}, 2));
        Tensor back = scaled.toTensor(new float[] {-1f, 3f});

        assertThat(input).containsExactly(-1f, 3f);
        assertThat(back.getDtype()).isEqualTo(DType.UINT8);
        assertThat(Tensors.uint8Bytes(back)).containsExactly(0, (byte) 255);
    }

    @Test
    void shouldAcceptFloatsForAnImageTaskAndSizeOneDimensionsEitherWay() {
        assertThat(FASHION.toModelInput(Tensors.float32(new float[784], 28, 28))).hasSize(784);
        assertThat(FASHION.toModelInput(Tensors.float32(new float[784], 1, 1, 28, 28))).hasSize(784);
        assertThat(TABULAR.toModelInput(Tensors.float32(new float[16], 1, 16))).hasSize(16);
    }

    @Test
    void shouldNameExpectedAndFoundOnAMismatch() {
        assertThatThrownBy(() -> FASHION.toModelInput(Tensors.float32(new float[784], 784)))
                .isInstanceOfSatisfying(InvalidTensorException.class, e -> assertThat(e.reason()).isEqualTo(TaskContract.MISMATCH))
                .hasMessageContaining("task fashion-mnist expects uint8 [1, 28, 28] but found float32 [784]");
        assertThatThrownBy(() -> TABULAR.toModelInput(Tensors.uint8(new byte[16], 16)))
                .hasMessageContaining("expects float32 [16] but found uint8 [16]");
        assertThatThrownBy(() -> TABULAR.toModelInput(Tensors.float32(new float[17], 17)))
                .hasMessageContaining("but found float32 [17]");
    }

    @Test
    void shouldRefuseBytesThatDoNotFillTheShapeAndNonFiniteFloats() {
        Tensor short1 = new Tensor(DType.FLOAT32, List.of(16), ByteBuffer.allocate(60));
        float[] values = new float[16];
        values[3] = Float.NaN;

        assertThatThrownBy(() -> TABULAR.toModelInput(short1))
                .isInstanceOfSatisfying(InvalidTensorException.class, e -> assertThat(e.reason()).isEqualTo("bad-length"));
        assertThatThrownBy(() -> TABULAR.toModelInput(Tensors.float32(values, 16)))
                .isInstanceOfSatisfying(InvalidTensorException.class, e -> assertThat(e.reason()).isEqualTo("not-finite"))
                .hasMessageContaining("element 3");
    }

    @Test
    void shouldKeepFloatsExactlyOnTheWire() {
        float[] features = new float[16];
        for (int i = 0; i < 16; i++) {
            features[i] = i * 1.25f - 7.3f;
        }

        Tensor tensor = TABULAR.toTensor(features);

        assertThat(tensor.getShape()).containsExactly(16);
        assertThat(TABULAR.toModelInput(tensor)).containsExactly(features);
    }

    @Test
    void shouldRoundTripThroughTheManifestRecord() {
        assertThat(TaskContract.fromAvro(TABULAR.toAvro())).isEqualTo(TABULAR);
        assertThat(TaskContract.fromAvro(FASHION.toAvro())).isEqualTo(FASHION);
        assertThat(TaskContract.ofManifest(null)).isEqualTo(FASHION);
    }

    @Test
    void shouldNameTheFirstDifferenceBetweenTwoContracts() {
        TaskContract renamedClasses = new TaskContract("fashion-mnist", DType.UINT8, List.of(1, 28, 28), 0, 1,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), List.of());

        assertThat(FASHION.mismatchWith(FASHION)).isNull();
        assertThat(FASHION.mismatchWith(TABULAR)).isEqualTo("task tabular-rbf is not task fashion-mnist");
        assertThat(FASHION.mismatchWith(renamedClasses)).contains("has classes [T-shirt/top");
    }

    @Test
    void shouldReportEveryBrokenRuleAtOnce() {
        assertThatThrownBy(() -> new TaskContract("Bad Name", DType.INT64, List.of(0, 3), 2f, 1f, List.of("a", "a"),
                List.of("x")))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.problems()).hasSize(6))
                .hasMessageContaining("name:").hasMessageContaining("input.dtype:").hasMessageContaining("input.shape:")
                .hasMessageContaining("input.range:").hasMessageContaining("classes: names [a] appear more than once")
                .hasMessageContaining("input.features:");
    }

    @Test
    void shouldIndexNamedFeatures() {
        assertThat(TABULAR.featureIndex()).hasSize(16).containsEntry("x00", 0).containsEntry("x15", 15);
        assertThat(TABULAR.inRange(1e30f)).isTrue();
        assertThat(FASHION.inRange(1.5f)).isFalse();
    }
}

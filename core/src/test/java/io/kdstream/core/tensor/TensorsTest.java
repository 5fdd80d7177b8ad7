package io.kdstream.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;

import io.kdstream.schemas.DType;
import io.kdstream.schemas.Tensor;
import org.junit.jupiter.api.Test;

class TensorsTest {

    @Test
    void shouldScaleUint8PixelsToTheUnitInterval() {
        Tensor image = Tensors.uint8(new byte[]{0, (byte) 255, (byte) 51, 102}, 2, 2);

        assertThat(Tensors.toUnitFloats(image, 4)).containsExactly(0f, 1f, 0.2f, 0.4f);
    }

    @Test
    void shouldScaleEveryByteValueExactlyAsADivisionBy255() {
        byte[] pixels = new byte[256];
        float[] divided = new float[256];
        for (int value = 0; value < 256; value++) {
            pixels[value] = (byte) value;
            divided[value] = value / 255f;
        }

        assertThat(Tensors.toUnitFloats(Tensors.uint8(pixels, 16, 16), 256)).containsExactly(divided);
    }

    @Test
    void shouldReadPixelsFromTheBufferPositionOfASlicedTensor() {
        ByteBuffer framed = ByteBuffer.wrap(new byte[]{9, 9, 0, (byte) 255, 9});
        framed.position(2).limit(4);
        Tensor image = new Tensor(DType.UINT8, List.of(2), framed.slice());

        assertThat(Tensors.toUnitFloats(image, 2)).containsExactly(0f, 1f);
    }

    @Test
    void shouldRoundTripFloat32LittleEndian() {
        Tensor tensor = Tensors.float32(new float[]{0.25f, 0.5f, 0.75f}, 3);

        assertThat(tensor.getData().get(0)).isEqualTo((byte) 0); // 0.25f = 0x3E800000, little-endian low byte first
        assertThat(Tensors.toUnitFloats(tensor, 3)).containsExactly(0.25f, 0.5f, 0.75f);
    }

    @Test
    void shouldNameExpectedAndFoundOnAWrongShape() {
        Tensor image = Tensors.uint8(new byte[6], 2, 3);

        assertThatThrownBy(() -> Tensors.toUnitFloats(image, 784))
                .isInstanceOfSatisfying(InvalidTensorException.class, e -> assertThat(e.reason()).isEqualTo("bad-shape"))
                .hasMessage("expected 784 elements but shape [2, 3] holds 6");
    }

    @Test
    void shouldRefuseBytesThatDoNotMatchTheShape() {
        Tensor truncated = new Tensor(DType.FLOAT32, List.of(4), ByteBuffer.wrap(new byte[10]));

        assertThatThrownBy(() -> Tensors.toUnitFloats(truncated, 4))
                .isInstanceOfSatisfying(InvalidTensorException.class, e -> assertThat(e.reason()).isEqualTo("bad-length"))
                .hasMessageContaining("expected 16 bytes");
    }

    @Test
    void shouldRefuseNonFiniteValuesAndUnsupportedTypes() {
        assertThatThrownBy(() -> Tensors.toUnitFloats(Tensors.float32(new float[]{1f, Float.NaN}, 2), 2))
                .isInstanceOfSatisfying(InvalidTensorException.class, e -> assertThat(e.reason()).isEqualTo("not-finite"));
        Tensor longs = new Tensor(DType.INT64, List.of(1), ByteBuffer.wrap(new byte[8]));
        assertThatThrownBy(() -> Tensors.toUnitFloats(longs, 1))
                .isInstanceOfSatisfying(InvalidTensorException.class, e -> assertThat(e.reason()).isEqualTo("bad-dtype"));
    }
}

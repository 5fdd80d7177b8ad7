package io.kdstream.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import io.kdstream.schemas.DType;
import io.kdstream.schemas.Tensor;

/**
 * Builds and reads wire tensors. Images travel as UINT8 pixels; a model sees them as floats in [0, 1]
 * ({@link #toUnitFloats}), and FLOAT32 inputs are taken to be on that scale already.
 */
public final class Tensors {

    /**
     * {@code b / 255f} for every byte value: a lookup is several times faster than a division per pixel on the
     * trainer's hot path, and gives the very same floats.
     */
    private static final float[] UNIT_OF_BYTE = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            UNIT_OF_BYTE[b] = b / 255f;
        }
    }

    private Tensors() {
    }

    /** A pixel byte (0–255, unsigned) on the model's [0, 1] input scale. */
    public static float unit(byte pixel) {
        return UNIT_OF_BYTE[pixel & 0xFF];
    }

    public static Tensor uint8(byte[] data, int... shape) {
        requireLength(DType.UINT8, shape, data.length);
        return new Tensor(DType.UINT8, boxed(shape), ByteBuffer.wrap(data.clone()));
    }

    public static Tensor float32(float[] data, int... shape) {
        requireLength(DType.FLOAT32, shape, data.length * 4);
        ByteBuffer bytes = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        return new Tensor(DType.FLOAT32, boxed(shape), bytes);
    }

    /** The element count the shape describes. */
    public static int elementCount(List<Integer> shape) {
        int count = 1;
        for (int dimension : shape) {
            count *= dimension;
        }
        return count;
    }

    /**
     * The tensor's elements as floats on the model's [0, 1] input scale, checked against the element count the
     * model expects.
     *
     * @throws InvalidTensorException when the dtype is unsupported, the element count is not {@code expectedElements},
     *                                the byte length does not match the shape, or a value is not finite
     */
    public static float[] toUnitFloats(Tensor tensor, int expectedElements) {
        int elements = elementCount(tensor.getShape());
        if (elements != expectedElements) {
            throw new InvalidTensorException("bad-shape", "expected " + expectedElements + " elements but shape "
                    + tensor.getShape() + " holds " + elements);
        }
        ByteBuffer data = tensor.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[elements];
        switch (tensor.getDtype()) {
            case UINT8 -> {
                requireBytes(tensor, data, elements);
                if (data.hasArray()) {
                    byte[] bytes = data.array();
                    int start = data.arrayOffset() + data.position();
                    for (int i = 0; i < elements; i++) {
                        values[i] = unit(bytes[start + i]);
                    }
                } else {
                    for (int i = 0; i < elements; i++) {
                        values[i] = unit(data.get(data.position() + i));
                    }
                }
            }
            case FLOAT32 -> {
                requireBytes(tensor, data, elements * 4);
                data.asFloatBuffer().get(values);
                for (int i = 0; i < elements; i++) {
                    if (!Float.isFinite(values[i])) {
                        throw new InvalidTensorException("not-finite", "element " + i + " is " + values[i]);
                    }
                }
            }
            default -> throw new InvalidTensorException("bad-dtype", "expected UINT8 or FLOAT32 but found " + tensor.getDtype());
        }
        return values;
    }

    /** Raw UINT8 bytes of an image tensor (for replay and tests). */
    public static byte[] uint8Bytes(Tensor tensor) {
        if (tensor.getDtype() != DType.UINT8) {
            throw new InvalidTensorException("bad-dtype", "expected UINT8 but found " + tensor.getDtype());
        }
        ByteBuffer data = tensor.getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return bytes;
    }

    private static void requireBytes(Tensor tensor, ByteBuffer data, int expectedBytes) {
        if (data.remaining() != expectedBytes) {
            throw new InvalidTensorException("bad-length", "expected " + expectedBytes + " bytes for " + tensor.getDtype()
                    + " shape " + tensor.getShape() + " but found " + data.remaining());
        }
    }

    private static void requireLength(DType dtype, int[] shape, int bytes) {
        int elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int expected = elements * (dtype == DType.UINT8 ? 1 : 4);
        if (expected != bytes) {
            throw new InvalidTensorException("bad-length", "shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + expected + " bytes but " + bytes + " were given");
        }
    }

    private static List<Integer> boxed(int[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }
}

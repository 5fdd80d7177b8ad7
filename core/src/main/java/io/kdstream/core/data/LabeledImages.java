package io.kdstream.core.data;

import java.util.List;

import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;
import io.kdstream.core.tensor.Tensors;
import io.kdstream.schemas.Tensor;

/**
 * Greyscale images with their true labels, held as unsigned bytes: {@code pixels} is row-major,
 * {@code count × height × width}. Their task is {@link BuiltInTasks#FASHION_MNIST} for 28×28 images; other sizes get
 * a one-channel task of that size with the same ten classes.
 */
public record LabeledImages(byte[] pixels, int[] labels, int height, int width) implements LabeledData {

    @Override
    public TaskContract task() {
        TaskContract fashion = BuiltInTasks.FASHION_MNIST;
        if (fashion.shape().equals(List.of(1, height, width))) {
            return fashion;
        }
        return new TaskContract("images-" + height + "x" + width, fashion.dtype(), List.of(1, height, width), 0f, 1f,
                fashion.classNames(), List.of());
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void writeInput(int index, float[] target, int offset) {
        writeUnitFloats(index, target, offset);
    }

    @Override
    public Tensor tensor(int index) {
        return Tensors.uint8(image(index), 1, height, width);
    }

    public int count() {
        return labels.length;
    }

    public int imageSize() {
        return height * width;
    }

    /** The pixels of image {@code index}. */
    public byte[] image(int index) {
        byte[] image = new byte[imageSize()];
        System.arraycopy(pixels, index * imageSize(), image, 0, imageSize());
        return image;
    }

    /** Image {@code index} written into {@code target} at {@code offset} on the [0, 1] scale. */
    public void writeUnitFloats(int index, float[] target, int offset) {
        int base = index * imageSize();
        for (int i = 0; i < imageSize(); i++) {
            target[offset + i] = Tensors.unit(pixels[base + i]);
        }
    }

    /** The first {@code n} images (or all when fewer). */
    public LabeledImages head(int n) {
        int count = Math.min(n, count());
        byte[] slice = new byte[count * imageSize()];
        System.arraycopy(pixels, 0, slice, 0, slice.length);
        int[] labelSlice = new int[count];
        System.arraycopy(labels, 0, labelSlice, 0, count);
        return new LabeledImages(slice, labelSlice, height, width);
    }
}

package io.kdstream.core.data;

import io.kdstream.core.tensor.Tensors;

/**
 * Images with their true labels, held as unsigned bytes: {@code pixels} is row-major, {@code count × height × width}.
 */
public record LabeledImages(byte[] pixels, int[] labels, int height, int width) {

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

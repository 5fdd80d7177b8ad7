package io.kdstream.core.drift;

import java.util.ArrayList;
import java.util.List;

import io.kdstream.core.task.TaskContract;

/**
 * The scalar features of one input whose distributions the monitor watches for input drift, chosen from the task
 * contract so their number, and hence memory and metric tags, is bounded whatever the input size.
 *
 * <ul>
 *   <li>Vector tasks: the input's own elements, named by the contract's feature names (or {@code x00}, {@code x01}, …),
 *   at most {@code maxFeatures} of them (the first ones).</li>
 *   <li>Image tasks ({@code [c, h, w]}): summary statistics over all channels, on the model's scale:
 *   {@value #BRIGHTNESS} (mean value), {@value #CONTRAST} (standard deviation of the values), {@value #SHARPNESS}
 *   (mean absolute difference between horizontal and vertical neighbours, which blur lowers and noise raises) and the
 *   mean of each cell of a {@value #GRID}×{@value #GRID} grid of blocks, {@code block_r_c} (what moves when content
 *   is rotated, shifted or occluded). Images smaller than the grid use as many blocks as they have rows or columns.</li>
 * </ul>
 *
 * <p>Summary statistics rather than an embedding two-sample test (MMD on the teacher's features): kd-soft-labels
 * carries no embedding, so the monitor would have to run a model; MMD costs a kernel evaluation per pair of inputs
 * in the windows; and an operator learns more from "contrast moved" than from a distance in a learned space. The
 * statistics catch the MNIST-C style corruptions (noise, brightness, contrast, blur, rotation) and sensor changes;
 * what they miss is a change of content at equal low-level statistics, which the class-mix drift and agreement see.
 */
public final class InputFeatures {

    public static final String BRIGHTNESS = "brightness";
    public static final String CONTRAST = "contrast";
    public static final String SHARPNESS = "sharpness";
    /** Blocks per side of the image grid whose means are features. */
    public static final int GRID = 4;

    private final boolean image;
    private final int channels;
    private final int height;
    private final int width;
    private final int rows;
    private final int columns;
    private final List<String> names;

    private InputFeatures(TaskContract task, int maxFeatures) {
        this.image = task.isImage();
        List<String> featureNames = new ArrayList<>();
        if (image) {
            channels = task.shape().get(0);
            height = task.shape().get(1);
            width = task.shape().get(2);
            rows = Math.min(GRID, height);
            columns = Math.min(GRID, width);
            featureNames.addAll(List.of(BRIGHTNESS, CONTRAST, SHARPNESS));
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    featureNames.add("block_" + r + "_" + c);
                }
            }
        } else {
            channels = 1;
            height = 1;
            width = task.inputSize();
            rows = 0;
            columns = 0;
            for (int i = 0; i < Math.min(width, maxFeatures); i++) {
                featureNames.add(task.hasFeatureNames() ? task.featureNames().get(i) : String.format("x%02d", i));
            }
        }
        this.names = List.copyOf(featureNames);
    }

    /**
     * @param maxFeatures the most features a vector task contributes (images have a fixed set)
     * @throws IllegalArgumentException when {@code maxFeatures} is below 1
     */
    public static InputFeatures of(TaskContract task, int maxFeatures) {
        if (maxFeatures < 1) {
            throw new IllegalArgumentException("maxFeatures must be at least 1 but is " + maxFeatures);
        }
        return new InputFeatures(task, maxFeatures);
    }

    /** The feature names, in the order of {@link #of(float[])}'s values; they tag the input-drift gauges. */
    public List<String> names() {
        return names;
    }

    public int count() {
        return names.size();
    }

    /** The features of one input on the model's scale, as {@link TaskContract#toModelInput} returns it. */
    public double[] of(float[] input) {
        double[] features = new double[names.size()];
        if (!image) {
            for (int i = 0; i < features.length; i++) {
                features[i] = input[i];
            }
            return features;
        }
        double sum = 0;
        double squares = 0;
        double differences = 0;
        long neighbours = 0;
        double[] blockSums = new double[rows * columns];
        long[] blockSizes = new long[rows * columns];
        for (int ch = 0; ch < channels; ch++) {
            int plane = ch * height * width;
            for (int y = 0; y < height; y++) {
                int blockRow = y * rows / height;
                for (int x = 0; x < width; x++) {
                    double v = input[plane + y * width + x];
                    sum += v;
                    squares += v * v;
                    if (x + 1 < width) {
                        differences += Math.abs(input[plane + y * width + x + 1] - v);
                        neighbours++;
                    }
                    if (y + 1 < height) {
                        differences += Math.abs(input[plane + (y + 1) * width + x] - v);
                        neighbours++;
                    }
                    int block = blockRow * columns + x * columns / width;
                    blockSums[block] += v;
                    blockSizes[block]++;
                }
            }
        }
        double n = input.length;
        double mean = sum / n;
        features[0] = mean;
        features[1] = Math.sqrt(Math.max(0, squares / n - mean * mean));
        features[2] = neighbours == 0 ? 0 : differences / neighbours;
        for (int b = 0; b < blockSums.length; b++) {
            features[3 + b] = blockSums[b] / blockSizes[b];
        }
        return features;
    }
}

package io.kdstream.app.replay;

import java.util.SplittableRandom;

import io.kdstream.core.task.TaskContract;

/**
 * Image corruptions in the manner of MNIST-C (Mu and Gilmer, 2019): each keeps the label and what a person sees
 * (a shoe stays a shoe) while moving the low-level statistics a model relies on. One fixed, moderate severity each,
 * so a drift run is reproducible and its effect comparable across runs. Inputs are on the model's scale, {@code [c, h,
 * w]} row-major, bounded by the task's range; results are clamped into it.
 */
final class ImageCorruptions {

    /** Standard deviation of the Gaussian noise, as a share of the value range. */
    static final double NOISE_SIGMA = 0.3;
    /** What brightness adds, as a share of the value range. */
    static final double BRIGHTNESS_SHIFT = 0.3;
    /** What is left of each value's distance from the image mean under contrast. */
    static final double CONTRAST_FACTOR = 0.4;
    /** Standard deviation of the Gaussian blur, in pixels. */
    static final double BLUR_SIGMA = 1.0;
    /** Rotation, degrees anticlockwise about the image centre. */
    static final double ROTATION_DEGREES = 30;

    private ImageCorruptions() {
    }

    /** Adds Gaussian noise; {@code seed} makes it reproducible per example. */
    static float[] noise(float[] input, TaskContract task, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double sigma = NOISE_SIGMA * range(task);
        float[] out = new float[input.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = clamp(input[i] + sigma * gaussian(random), task);
        }
        return out;
    }

    static float[] brightness(float[] input, TaskContract task) {
        double shift = BRIGHTNESS_SHIFT * range(task);
        float[] out = new float[input.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = clamp(input[i] + shift, task);
        }
        return out;
    }

    /** Pulls every value towards the image's mean. */
    static float[] contrast(float[] input, TaskContract task) {
        double mean = 0;
        for (float value : input) {
            mean += value;
        }
        mean /= input.length;
        float[] out = new float[input.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = clamp(mean + CONTRAST_FACTOR * (input[i] - mean), task);
        }
        return out;
    }

    /** A separable Gaussian blur of each channel, edges repeated. */
    static float[] blur(float[] input, TaskContract task) {
        int radius = (int) Math.ceil(2 * BLUR_SIGMA);
        double[] kernel = new double[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-k * k / (2 * BLUR_SIGMA * BLUR_SIGMA));
            total += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= total;
        }
        int channels = task.shape().get(0);
        int height = task.shape().get(1);
        int width = task.shape().get(2);
        float[] out = new float[input.length];
        double[] rows = new double[height * width];
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        sum += kernel[k + radius] * input[plane + y * width + Math.min(width - 1, Math.max(0, x + k))];
                    }
                    rows[y * width + x] = sum;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        sum += kernel[k + radius] * rows[Math.min(height - 1, Math.max(0, y + k)) * width + x];
                    }
                    out[plane + y * width + x] = clamp(sum, task);
                }
            }
        }
        return out;
    }

    /** Rotates each channel about the centre with bilinear sampling; what comes in from outside is the task's low. */
    static float[] rotation(float[] input, TaskContract task) {
        int channels = task.shape().get(0);
        int height = task.shape().get(1);
        int width = task.shape().get(2);
        double angle = Math.toRadians(ROTATION_DEGREES);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cy = (height - 1) / 2.0;
        double cx = (width - 1) / 2.0;
        float[] out = new float[input.length];
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    // The source of output pixel (x, y): the inverse rotation (y grows downwards, so anticlockwise
                    // on screen is clockwise in these coordinates).
                    double dx = x - cx;
                    double dy = y - cy;
                    double sx = cx + cos * dx - sin * dy;
                    double sy = cy + sin * dx + cos * dy;
                    out[plane + y * width + x] = clamp(bilinear(input, plane, width, height, sx, sy, task.low()), task);
                }
            }
        }
        return out;
    }

    private static double bilinear(float[] input, int plane, int width, int height, double x, double y, float outside) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fy) * ((1 - fx) * pixel(input, plane, width, height, x0, y0, outside)
                + fx * pixel(input, plane, width, height, x0 + 1, y0, outside))
                + fy * ((1 - fx) * pixel(input, plane, width, height, x0, y0 + 1, outside)
                + fx * pixel(input, plane, width, height, x0 + 1, y0 + 1, outside));
    }

    private static double pixel(float[] input, int plane, int width, int height, int x, int y, float outside) {
        return x < 0 || y < 0 || x >= width || y >= height ? outside : input[plane + y * width + x];
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller; 1 − u keeps the logarithm's argument above 0.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static double range(TaskContract task) {
        return task.high() - task.low();
    }

    private static float clamp(double value, TaskContract task) {
        return (float) Math.min(task.high(), Math.max(task.low(), value));
    }
}

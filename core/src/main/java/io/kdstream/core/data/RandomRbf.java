package io.kdstream.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.kdstream.core.task.BuiltInTasks;
import io.kdstream.core.task.TaskContract;

/**
 * A seeded random-RBF generator in the manner of MOA's {@code RandomRBFGeneratorDrift} and river's
 * {@code RandomRBF}: {@code centroids} centres drawn uniformly in [−1, 1]^n, each with a class, a spread and a sampling
 * weight; an example is a centre chosen by weight plus a random direction scaled by a Gaussian times its spread.
 *
 * <p>Two things differ from MOA on purpose. The label is the class of the centre nearest to the point in units of each
 * centre's spread, not the class of the centre that drew it: the labelling concept is then a fixed function of the input,
 * so a teacher trained on the whole space stays right whatever the sampling weights. And the centres fall into two
 * groups (even and odd indices): {@linkplain Stream#next(float[], boolean) shifted} traffic draws
 * {@value #SHIFTED_SHARE} of its examples from the second group, which is covariate shift — the inputs move, the
 * concept does not — the situation online distillation is for.
 *
 * <p>Everything follows the seeds ({@link Random}'s algorithm is specified, so the same seeds give the same data on
 * every JVM): the model seed fixes the centres, a stream seed the examples.
 */
public final class RandomRbf {

    /** Centres of {@link #tabular()}: MOA's default of 50. */
    public static final int TABULAR_CENTROIDS = 50;
    /** Spreads of {@link #tabular()} lie in [{@value #TABULAR_MIN_SPREAD}, {@value #TABULAR_MAX_SPREAD}). */
    public static final float TABULAR_MIN_SPREAD = 0.3f;
    public static final float TABULAR_MAX_SPREAD = 0.8f;
    /** Seed of {@link #tabular()}'s centres. */
    public static final long TABULAR_MODEL_SEED = 20_260_901L;
    /** Share of shifted traffic drawn from the second group of centres. */
    public static final double SHIFTED_SHARE = 0.9;
    /** Size and seed of {@link #heldOut()}, the sample every model of the task is scored on and nothing trains on. */
    public static final int HELD_OUT_SIZE = 10_000;
    public static final long HELD_OUT_SEED = -1L;

    private static final float MIN_WEIGHT = 0.2f;

    /**
     * One centre of the mixture.
     *
     * @param center where it sits, one value per feature
     * @param label  its class
     * @param spread how far its examples scatter (the standard deviation of their distance from the centre)
     * @param weight its relative sampling weight within the natural mix
     * @param group  0 or 1: which side covariate shift moves traffic to or from
     */
    public record Centroid(float[] center, int label, float spread, float weight, int group) {
    }

    private final TaskContract task;
    private final List<Centroid> centroids;
    private final long modelSeed;

    /**
     * @param task      a vector task: its input size is the feature count, its class count the label range
     * @param centroids how many centres (at least the class count, so every class has one)
     * @param minSpread smallest spread (&gt; 0)
     * @param maxSpread largest spread (&ge; minSpread)
     * @param modelSeed seed of the centres
     */
    public RandomRbf(TaskContract task, int centroids, float minSpread, float maxSpread, long modelSeed) {
        if (task.shape().size() != 1) {
            throw new IllegalArgumentException("a random-RBF stream makes vectors, but task " + task.name() + " has shape " + task.shape());
        }
        if (centroids < task.classCount()) {
            throw new IllegalArgumentException(centroids + " centroids cannot cover the " + task.classCount() + " classes of task " + task.name());
        }
        if (!(minSpread > 0) || !(maxSpread >= minSpread)) {
            throw new IllegalArgumentException("spreads must satisfy 0 < min <= max but are [" + minSpread + ", " + maxSpread + "]");
        }
        this.task = task;
        this.modelSeed = modelSeed;
        this.centroids = draw(task, centroids, minSpread, maxSpread, new Random(modelSeed));
    }

    /** The generator of {@link BuiltInTasks#TABULAR_RBF}. */
    public static RandomRbf tabular() {
        return new RandomRbf(BuiltInTasks.TABULAR_RBF, TABULAR_CENTROIDS, TABULAR_MIN_SPREAD, TABULAR_MAX_SPREAD, TABULAR_MODEL_SEED);
    }

    public TaskContract task() {
        return task;
    }

    public List<Centroid> centroids() {
        return centroids;
    }

    /** An endless stream of examples following {@code seed}. */
    public Stream stream(long seed) {
        return new Stream(new Random(seed ^ modelSeed));
    }

    /** {@code count} examples of the natural mix, following {@code seed}. */
    public LabeledVectors sample(int count, long seed) {
        int size = task.inputSize();
        float[] values = new float[count * size];
        int[] labels = new int[count];
        float[] example = new float[size];
        Stream stream = stream(seed);
        for (int i = 0; i < count; i++) {
            labels[i] = stream.next(example, false);
            System.arraycopy(example, 0, values, i * size, size);
        }
        return new LabeledVectors(task, values, labels);
    }

    /** {@value #HELD_OUT_SIZE} examples of the natural mix that no stream seed other than {@value #HELD_OUT_SEED} makes. */
    public LabeledVectors heldOut() {
        return sample(HELD_OUT_SIZE, HELD_OUT_SEED);
    }

    /** The fixed concept: the class of the centre nearest to {@code x} in units of its spread. */
    public int label(float[] x) {
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.size(); c++) {
            Centroid centroid = centroids.get(c);
            double squared = 0;
            for (int j = 0; j < x.length; j++) {
                double difference = x[j] - centroid.center()[j];
                squared += difference * difference;
            }
            double distance = squared / ((double) centroid.spread() * centroid.spread());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return centroids.get(best).label();
    }

    /** Examples drawn one at a time from the natural mix or the shifted one; not thread-safe. */
    public final class Stream {

        private final Random random;
        private final double[] natural;
        private final double[] shifted;

        private Stream(Random random) {
            this.random = random;
            this.natural = cumulative(false);
            this.shifted = cumulative(true);
        }

        /**
         * Writes the next example into {@code target} and returns its class.
         *
         * @param shift whether to draw from the shifted mix ({@value #SHIFTED_SHARE} from the second group)
         */
        public int next(float[] target, boolean shift) {
            Centroid centroid = centroids.get(pick(shift ? shifted : natural, random.nextDouble()));
            double[] direction = new double[target.length];
            double norm = 0;
            for (int j = 0; j < direction.length; j++) {
                direction[j] = random.nextGaussian();
                norm += direction[j] * direction[j];
            }
            double scale = random.nextGaussian() * centroid.spread() / Math.sqrt(norm);
            for (int j = 0; j < target.length; j++) {
                target[j] = (float) (centroid.center()[j] + direction[j] * scale);
            }
            return label(target);
        }

        private double[] cumulative(boolean shift) {
            double[] groupWeight = new double[2];
            for (Centroid centroid : centroids) {
                groupWeight[centroid.group()] += centroid.weight();
            }
            double[] sums = new double[centroids.size()];
            double sum = 0;
            for (int c = 0; c < sums.length; c++) {
                Centroid centroid = centroids.get(c);
                double share = centroid.group() == 1 ? SHIFTED_SHARE : 1 - SHIFTED_SHARE;
                sum += shift ? centroid.weight() / groupWeight[centroid.group()] * share : centroid.weight();
                sums[c] = sum;
            }
            for (int c = 0; c < sums.length; c++) {
                sums[c] /= sum;
            }
            return sums;
        }

        private static int pick(double[] cumulative, double u) {
            for (int c = 0; c < cumulative.length; c++) {
                if (u < cumulative[c]) {
                    return c;
                }
            }
            return cumulative.length - 1;
        }
    }

    /** Classes go round-robin over a shuffled order, so each class gets {@code centroids / classes} centres or one more. */
    private static List<Centroid> draw(TaskContract task, int count, float minSpread, float maxSpread, Random random) {
        int features = task.inputSize();
        int[] labels = new int[count];
        for (int c = 0; c < count; c++) {
            labels[c] = c % task.classCount();
        }
        for (int c = count - 1; c > 0; c--) {
            int other = random.nextInt(c + 1);
            int swap = labels[c];
            labels[c] = labels[other];
            labels[other] = swap;
        }
        List<Centroid> centroids = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            float[] center = new float[features];
            for (int j = 0; j < features; j++) {
                center[j] = random.nextFloat() * 2 - 1;
            }
            float spread = minSpread + random.nextFloat() * (maxSpread - minSpread);
            float weight = MIN_WEIGHT + random.nextFloat() * (1 - MIN_WEIGHT);
            centroids.add(new Centroid(center, labels[c], spread, weight, c % 2));
        }
        return List.copyOf(centroids);
    }
}

package io.kdstream.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST from IDX files (gzipped or not). The folder is {@code $FASHION_MNIST_DIR} when set, else
 * {@value #DEBIAN_DIR} where Debian's {@code dataset-fashion-mnist} package puts it.
 */
public final class FashionMnist {

    public static final String ENV = "FASHION_MNIST_DIR";
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    /** The 60,000 training or the 10,000 test examples. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private FashionMnist() {
    }

    public static LabeledImages load(Split split) {
        return load(locate(System.getenv(ENV)), split);
    }

    public static LabeledImages load(Path folder, Split split) {
        Path images = file(folder, split.prefix + "-images-idx3-ubyte");
        Path labels = file(folder, split.prefix + "-labels-idx1-ubyte");
        try {
            return read(images, labels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Fashion-MNIST from " + folder, e);
        }
    }

    /**
     * The data folder: {@code envValue} when given, else Debian's.
     *
     * @throws IllegalStateException saying where it looked and how to get the data
     */
    public static Path locate(String envValue) {
        return locate(envValue, Path.of(DEBIAN_DIR));
    }

    static Path locate(String envValue, Path debianDir) {
        List<Path> candidates = new ArrayList<>();
        if (envValue != null && !envValue.isBlank()) {
            candidates.add(Path.of(envValue));
        }
        candidates.add(debianDir);
        for (Path candidate : candidates) {
            if (hasData(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Fashion-MNIST not found in " + candidates + ". Install it with "
                + "'apt-get install -y dataset-fashion-mnist', or set " + ENV
                + " to a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.");
    }

    private static boolean hasData(Path folder) {
        try {
            file(folder, "train-images-idx3-ubyte");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static Path file(Path folder, String name) {
        for (String candidate : List.of(name + ".gz", name)) {
            Path path = folder.resolve(candidate);
            if (Files.isRegularFile(path)) {
                return path;
            }
        }
        throw new IllegalStateException("no " + name + "[.gz] in " + folder);
    }

    private static LabeledImages read(Path imagesFile, Path labelsFile) throws IOException {
        try (DataInputStream images = open(imagesFile); DataInputStream labels = open(labelsFile)) {
            int imagesMagic = images.readInt();
            if (imagesMagic != IMAGES_MAGIC) {
                throw new IOException(imagesFile + ": expected IDX image magic 0x803 but found 0x" + Integer.toHexString(imagesMagic));
            }
            int count = images.readInt();
            int height = images.readInt();
            int width = images.readInt();
            int labelsMagic = labels.readInt();
            if (labelsMagic != LABELS_MAGIC) {
                throw new IOException(labelsFile + ": expected IDX label magic 0x801 but found 0x" + Integer.toHexString(labelsMagic));
            }
            int labelCount = labels.readInt();
            if (labelCount != count) {
                throw new IOException(labelsFile + " holds " + labelCount + " labels but " + imagesFile + " holds " + count + " images");
            }
            byte[] pixels = new byte[count * height * width];
            images.readFully(pixels);
            byte[] labelBytes = new byte[count];
            labels.readFully(labelBytes);
            int[] classes = new int[count];
            for (int i = 0; i < count; i++) {
                classes[i] = labelBytes[i] & 0xFF;
            }
            return new LabeledImages(pixels, classes, height, width);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
    }
}

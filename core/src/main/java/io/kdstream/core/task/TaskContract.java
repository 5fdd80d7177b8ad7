package io.kdstream.core.task;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.kdstream.core.tensor.InvalidTensorException;
import io.kdstream.schemas.DType;
import io.kdstream.schemas.Task;
import io.kdstream.schemas.Tensor;

/**
 * What the models of one deployment take and give, declared once and checked by every stage: a name, the shape and
 * element type of one input, the value range of an input on the model's scale, the class names (their count is the
 * class count) and, for vector inputs, optional feature names.
 *
 * <p>Inputs travel as {@link DType#UINT8} (images: byte 0 is {@link #low}, byte 255 is {@link #high}) or
 * {@link DType#FLOAT32} (already on the model's scale). A FLOAT32 tensor is accepted for a UINT8 task too, since the
 * model sees floats either way; any other element type, or another shape, is a {@value #MISMATCH}. Shapes compare
 * with dimensions of size 1 left out, so {@code [28, 28]} and {@code [1, 28, 28]} are the same image, while a flat
 * {@code [784]} is not.
 *
 * <p>Build one with {@link TaskFiles} (a JSON file an operator writes) or {@link BuiltInTasks}; both report every
 * problem at once, naming the key.
 *
 * @param name         a short name (lowercase letters, digits, {@code . _ -}); it tags metrics and checkpoints
 * @param dtype        the wire element type, UINT8 or FLOAT32
 * @param shape        one input's dimensions without a batch dimension: {@code [n]} for vectors, {@code [c, h, w]}
 *                     for images
 * @param low          lowest value on the model's scale, {@link Float#NEGATIVE_INFINITY} when unbounded
 * @param high         highest value on the model's scale, {@link Float#POSITIVE_INFINITY} when unbounded
 * @param classNames   one name per class, in index order
 * @param featureNames one name per element for vector tasks, or empty
 */
public record TaskContract(String name, DType dtype, List<Integer> shape, float low, float high,
                           List<String> classNames, List<String> featureNames) {

    /** Reason code of a record or request whose input does not fit the contract. */
    public static final String MISMATCH = "contract-mismatch";

    /** Checks every field at once; see {@link TaskProblems} for the messages. */
    public TaskContract {
        shape = List.copyOf(shape);
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
        List<String> problems = TaskProblems.of(name, dtype, shape, low, high, classNames, featureNames);
        if (!problems.isEmpty()) {
            throw new InvalidTaskException(name, problems);
        }
    }

    /** Elements of one input: the product of the shape. */
    public int inputSize() {
        int size = 1;
        for (int dimension : shape) {
            size *= dimension;
        }
        return size;
    }

    public int classCount() {
        return classNames.size();
    }

    /** True for {@code [channels, height, width]} inputs, which a CNN can take. */
    public boolean isImage() {
        return shape.size() == 3;
    }

    public boolean hasFeatureNames() {
        return !featureNames.isEmpty();
    }

    /** Feature name to input index, for requests that name their features. */
    public Map<String, Integer> featureIndex() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < featureNames.size(); i++) {
            index.put(featureNames.get(i), i);
        }
        return index;
    }

    public boolean bounded() {
        return Float.isFinite(low) && Float.isFinite(high);
    }

    /** Whether a value on the model's scale lies in the declared range (always, when unbounded). */
    public boolean inRange(float value) {
        return value >= low && value <= high;
    }

    /** How the contract's inputs read in messages: {@code uint8 [1, 28, 28]}. */
    public String inputDescription() {
        return dtype.name().toLowerCase(Locale.ROOT) + " " + shape;
    }

    /** One line for logs and errors: {@code fashion-mnist: uint8 [1, 28, 28] in [0.0, 1.0] -> 10 classes}. */
    public String summary() {
        return name + ": " + inputDescription() + " in [" + low + ", " + high + "] -> " + classCount() + " classes";
    }

    /**
     * Checks a wire tensor against the contract and returns its elements on the model's scale.
     *
     * @throws InvalidTensorException {@value #MISMATCH} naming expected and found when the element type or shape
     *                                differs; {@code bad-length} when the bytes do not fill the shape;
     *                                {@code not-finite} for a NaN or infinite float
     */
    public float[] toModelInput(Tensor tensor) {
        DType found = tensor.getDtype();
        if ((found != dtype && found != DType.FLOAT32) || !sameShape(tensor.getShape())) {
            throw new InvalidTensorException(MISMATCH, "task " + name + " expects " + inputDescription() + " but found "
                    + found.name().toLowerCase(Locale.ROOT) + " " + tensor.getShape());
        }
        int elements = inputSize();
        ByteBuffer data = tensor.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int bytesPerElement = found == DType.UINT8 ? 1 : 4;
        if (data.remaining() != elements * bytesPerElement) {
            throw new InvalidTensorException("bad-length", "expected " + elements * bytesPerElement + " bytes for "
                    + found + " " + tensor.getShape() + " but found " + data.remaining());
        }
        float[] values = new float[elements];
        if (found == DType.UINT8) {
            ByteScale.of(low, high).decode(data, values);
        } else {
            data.asFloatBuffer().get(values);
            for (int i = 0; i < elements; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new InvalidTensorException("not-finite", "element " + i + " is " + values[i]);
                }
            }
        }
        return values;
    }

    /**
     * One input on the wire: UINT8 tasks quantise to bytes (a quarter of the size, the precision their data came
     * with), FLOAT32 tasks keep the floats. Values are clamped into the range first.
     */
    public Tensor toTensor(float[] modelInput) {
        if (modelInput.length != inputSize()) {
            throw new IllegalArgumentException("task " + name + " takes " + inputSize() + " values but got " + modelInput.length);
        }
        ByteBuffer data;
        if (dtype == DType.UINT8) {
            data = ByteBuffer.wrap(ByteScale.of(low, high).encode(modelInput));
        } else {
            data = ByteBuffer.allocate(modelInput.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(modelInput);
        }
        return new Tensor(dtype, new ArrayList<>(shape), data);
    }

    /** True when {@code found} is this contract's shape, dimensions of size 1 left out on both sides. */
    public boolean sameShape(List<Integer> found) {
        int i = 0;
        int j = 0;
        while (true) {
            while (i < shape.size() && shape.get(i) == 1) {
                i++;
            }
            while (j < found.size() && found.get(j) == 1) {
                j++;
            }
            if (i == shape.size() || j == found.size()) {
                return i == shape.size() && j == found.size();
            }
            if (!Objects.equals(shape.get(i), found.get(j))) {
                return false;
            }
            i++;
            j++;
        }
    }

    /**
     * Why a model or label of {@code other} may not be used where this contract is expected, or {@code null} when
     * they are the same task. Names the first difference, so an operator sees which side to fix.
     */
    public String mismatchWith(TaskContract other) {
        if (!name.equals(other.name)) {
            return "task " + other.name + " is not task " + name;
        }
        if (dtype != other.dtype || !shape.equals(other.shape)) {
            return "task " + name + " expects inputs " + inputDescription() + " but the other side has " + other.inputDescription();
        }
        if (!classNames.equals(other.classNames)) {
            return "task " + name + " has classes " + classNames + " but the other side has " + other.classNames;
        }
        if (!featureNames.equals(other.featureNames)) {
            return "task " + name + " has features " + featureNames + " but the other side has " + other.featureNames;
        }
        if (Float.compare(low, other.low) != 0 || Float.compare(high, other.high) != 0) {
            return "task " + name + " has range [" + low + ", " + high + "] but the other side has ["
                    + other.low + ", " + other.high + "]";
        }
        return null;
    }

    public Task toAvro() {
        return new Task(name, dtype, new ArrayList<>(shape), low, high, new ArrayList<>(classNames), new ArrayList<>(featureNames));
    }

    /** @throws InvalidTaskException when the record breaks a rule (a hostile or hand-made manifest) */
    public static TaskContract fromAvro(Task task) {
        return new TaskContract(task.getName(), task.getDtype(), task.getShape(), task.getLow(), task.getHigh(),
                task.getClassNames(), task.getFeatureNames());
    }

    /**
     * The contract a checkpoint manifest carries; manifests written before contracts existed carry none and were all
     * Fashion-MNIST students.
     */
    public static TaskContract ofManifest(Task task) {
        return task == null ? BuiltInTasks.FASHION_MNIST : fromAvro(task);
    }

    @Override
    public String toString() {
        return summary();
    }
}

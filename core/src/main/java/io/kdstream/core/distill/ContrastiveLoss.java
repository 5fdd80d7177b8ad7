package io.kdstream.core.distill;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;

/**
 * Contrastive representation distillation (Tian et al., "Contrastive Representation Distillation", ICLR 2020),
 * with its memory of negatives kept as a bounded queue of recent teacher embeddings ({@link EmbeddingQueue}, as
 * MoCo does), which fits a stream where CRD's memory bank indexed by data-set position cannot. Learned linear
 * heads project the student's embedding {@code s_i} and the teacher's {@code t_i} to a common dimension, each
 * L2-normalised ({@code q_i = ĥ_s(s_i)}, {@code k = ĥ_t(t)}); with the queue's embeddings {@code t'_1..t'_K}:
 *
 * <pre>
 *   L = mean over the batch of −log( exp(q_i·k_i / τ) / (exp(q_i·k_i / τ) + Σ_j exp(q_i·ĥ_t(t'_j) / τ)) )
 * </pre>
 *
 * InfoNCE with τ = {@value #DEFAULT_TEMPERATURE}: the positive is the teacher's embedding of the same example, the
 * negatives are the queue's. After the loss a training step appends the batch's teacher embeddings to the queue;
 * with the queue still empty the loss is 0. Defaults: dimension {@value #DEFAULT_DIMENSION} (CRD's) and a queue of
 * {@value #DEFAULT_CAPACITY} (CRD uses 16384 negatives; fewer keep a CPU step cheap).
 *
 * <p>The queue holds the teacher's raw embeddings and every step projects them through the current teacher head.
 * The teacher is frozen, so its raw embeddings never go stale; MoCo's queue of projected keys goes stale as the
 * head learns, which its momentum encoder exists to soften. The price is projecting K rows per step.
 * {@link #clearMemory()} when the teacher itself changes.
 */
public final class ContrastiveLoss implements FeatureLoss {

    public static final float DEFAULT_TEMPERATURE = 0.07f;
    public static final int DEFAULT_DIMENSION = 128;
    public static final int DEFAULT_CAPACITY = 4096;

    private final float temperature;
    private final Block studentHead;
    private final Block teacherHead;
    private final EmbeddingQueue memory;

    /** CRD's defaults: τ = 0.07, a 128-dimensional common space, a queue of 4096 teacher embeddings. */
    public ContrastiveLoss(int teacherWidth) {
        this(teacherWidth, DEFAULT_DIMENSION, DEFAULT_TEMPERATURE, DEFAULT_CAPACITY);
    }

    /**
     * @param teacherWidth  elements of one teacher embedding (the queue's row width)
     * @param dimension     the common space both heads project to
     * @param temperature   τ &gt; 0
     * @param queueCapacity how many recent teacher embeddings serve as negatives
     */
    public ContrastiveLoss(int teacherWidth, int dimension, float temperature, int queueCapacity) {
        if (!(temperature > 0) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("crd: temperature must be a positive number but is " + temperature);
        }
        if (dimension <= 0) {
            throw new IllegalArgumentException("crd: dimension must be positive but is " + dimension);
        }
        this.temperature = temperature;
        this.memory = new EmbeddingQueue(queueCapacity, teacherWidth);
        this.studentHead = Linear.builder().setUnits(dimension).build();
        this.teacherHead = Linear.builder().setUnits(dimension).build();
    }

    @Override
    public String method() {
        return "crd";
    }

    public float temperature() {
        return temperature;
    }

    public Block studentHead() {
        return studentHead;
    }

    public Block teacherHead() {
        return teacherHead;
    }

    /** Recent teacher embeddings; read-only use outside this class is for tests and metrics. */
    public EmbeddingQueue memory() {
        return memory;
    }

    /** Forgets the queued negatives: call when a new teacher version starts labelling. */
    public void clearMemory() {
        memory.clear();
    }

    @Override
    public List<Block> learnedBlocks() {
        return List.of(studentHead, teacherHead);
    }

    /** Xavier weights and zero biases for both heads, given the student's embedding width. */
    public void initialize(NDManager manager, int studentWidth) {
        studentHead.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        teacherHead.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        studentHead.initialize(manager, DataType.FLOAT32, new Shape(1, studentWidth));
        teacherHead.initialize(manager, DataType.FLOAT32, new Shape(1, memory.width()));
    }

    @Override
    public NDArray evaluate(NDList student, NDList teacher, ParameterStore parameters, boolean training) {
        FeatureMath.LayerPair pair = FeatureMath.onlyPair(method(), student, teacher);
        NDArray studentRows = FeatureMath.flatten(pair.student());
        NDArray teacherRows = FeatureMath.flatten(pair.teacher());
        if (teacherRows.getShape().get(1) != memory.width()) {
            throw new IllegalArgumentException("crd: teacher embeddings of width " + memory.width() + " expected but found "
                    + teacherRows.getShape());
        }
        long batch = studentRows.getShape().get(0);
        NDArray keys = memory.size() == 0 ? teacherRows : teacherRows.concat(memory.toArray(teacherRows.getManager()), 0);
        NDArray queries = FeatureMath.normalizeRows(studentHead.forward(parameters, new NDList(studentRows), training).singletonOrThrow());
        NDArray projectedKeys = FeatureMath.normalizeRows(teacherHead.forward(parameters, new NDList(keys), training).singletonOrThrow());

        NDArray positives = queries.mul(projectedKeys.get(new NDIndex("0:{}", batch))).sum(new int[]{1}, true);
        NDArray negatives = queries.matMul(projectedKeys.get(new NDIndex("{}:", batch)).transpose());
        NDArray logits = positives.concat(negatives, 1).div(temperature);
        NDArray loss = logits.logSoftmax(1).get(new NDIndex(":, 0")).neg().mean();
        if (training) {
            memory.add(teacherRows.toType(DataType.FLOAT32, false).toFloatArray());
        }
        return loss;
    }
}

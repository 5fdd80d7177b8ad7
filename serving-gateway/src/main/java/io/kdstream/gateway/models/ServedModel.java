package io.kdstream.gateway.models;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.kdstream.core.model.Classifier;
import io.kdstream.core.task.TaskContract;
import io.kdstream.schemas.Checkpoint;

/**
 * A loaded checkpoint and its classifier, reference-counted: the {@link ModelSlot} holds one reference while the
 * model is served and every in-flight model call holds one more, so the native model is closed only after it has
 * been swapped out and its last call has finished.
 */
public final class ServedModel {

    private final Checkpoint manifest;
    private final TaskContract task;
    private final Classifier classifier;
    private final Instant since;
    private final AtomicInteger references = new AtomicInteger(1);

    ServedModel(Checkpoint manifest, Classifier classifier, Instant since) {
        this.manifest = manifest;
        this.task = TaskContract.ofManifest(manifest.getTask());
        this.classifier = classifier;
        this.since = since;
    }

    public Checkpoint manifest() {
        return manifest;
    }

    /** The contract the model serves; the same for every model a gateway serves, since the gates refuse others. */
    public TaskContract task() {
        return task;
    }

    public long version() {
        return manifest.getVersion();
    }

    /** When this model started serving. */
    public Instant since() {
        return since;
    }

    public Classifier classifier() {
        return classifier;
    }

    /** Takes a reference unless the model has already been released for good. */
    boolean tryAcquire() {
        for (int count = references.get(); count > 0; count = references.get()) {
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            classifier.close();
        }
    }

    /** True once the last reference is gone and the native model has been closed. */
    boolean closed() {
        return references.get() == 0;
    }
}

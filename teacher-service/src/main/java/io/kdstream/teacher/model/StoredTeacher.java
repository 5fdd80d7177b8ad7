package io.kdstream.teacher.model;

import ai.djl.Device;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.model.Classifier;

/** A teacher read back from its folder: the manifest and the weights it vouches for (sha256 already checked). */
public record StoredTeacher(TeacherManifest manifest, byte[] weights) {

    public Architecture architecture() {
        return Architecture.parse(manifest.architecture());
    }

    /** A ready-to-run classifier for these weights. */
    public Classifier classifier(Device device) {
        return Classifier.fromWeights(architecture(), weights, device);
    }
}

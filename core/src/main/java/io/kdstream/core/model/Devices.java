package io.kdstream.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks where models run: the first GPU PyTorch sees, otherwise the CPU; {@code cpu} or {@code gpu} forces it.
 *
 * <p>PyTorch sees a GPU only when it runs on a CUDA build of libtorch. The build bundles the CPU one; point the JVM
 * at a local CUDA libtorch with the {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION} and
 * {@code PYTORCH_FLAVOR} environment variables (docs/gpu.md), and {@code auto} takes the GPU by itself.
 */
public final class Devices {

    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private Devices() {
    }

    /** @param preference {@code auto}, {@code cpu} or {@code gpu} */
    public static Device choose(String preference, String purpose) {
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        Device device = choose(preference, gpus, purpose);
        LOG.info("{} runs on {} (PyTorch {}, {} GPU(s) visible)", purpose, device, engine.getVersion(), gpus);
        return device;
    }

    /** The decision alone, for a given number of visible GPUs, so it can be tested on any machine. */
    static Device choose(String preference, int visibleGpus, String purpose) {
        return switch (preference) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (visibleGpus == 0) {
                    throw new IllegalStateException("device=gpu was asked for " + purpose + " but PyTorch sees no GPU: "
                            + "point PYTORCH_LIBRARY_PATH at a CUDA libtorch (docs/gpu.md), or use device=auto or cpu");
                }
                yield Device.gpu();
            }
            case "auto" -> visibleGpus > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("device must be auto, cpu or gpu but is '" + preference + "'");
        };
    }
}

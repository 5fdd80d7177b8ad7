package io.kdstream.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks where models run: the first GPU PyTorch sees, otherwise the CPU; {@code cpu} or {@code gpu} forces it. */
public final class Devices {

    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private Devices() {
    }

    /** @param preference {@code auto}, {@code cpu} or {@code gpu} */
    public static Device choose(String preference, String purpose) {
        Engine engine = Engine.getEngine("PyTorch");
        Device device = switch (preference) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (engine.getGpuCount() == 0) {
                    throw new IllegalStateException("device=gpu was asked for " + purpose + " but PyTorch sees no GPU; use device=auto or cpu");
                }
                yield Device.gpu();
            }
            case "auto" -> engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("device must be auto, cpu or gpu but is '" + preference + "'");
        };
        LOG.info("{} runs on {} (PyTorch {}, {} GPU(s) visible)", purpose, device, engine.getVersion(), engine.getGpuCount());
        return device;
    }
}

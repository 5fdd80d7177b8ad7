package io.kdstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

class DevicesTest {

    @Test
    void shouldTakeTheFirstGpuWhenOneIsVisibleAndTheCpuOtherwise() {
        assertThat(Devices.choose("auto", 0, "test")).isEqualTo(Device.cpu());
        assertThat(Devices.choose("auto", 2, "test")).isEqualTo(Device.gpu(0));
        assertThat(Devices.choose("cpu", 2, "test")).isEqualTo(Device.cpu());
        assertThat(Devices.choose("gpu", 1, "test")).isEqualTo(Device.gpu(0));
    }

    @Test
    void shouldSayHowToGetAGpuWhenNoneIsVisible() {
        assertThatThrownBy(() -> Devices.choose("gpu", 0, "the trainer"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the trainer").hasMessageContaining("PYTORCH_LIBRARY_PATH");
        assertThatThrownBy(() -> Devices.choose("tpu", 0, "test")).hasMessageContaining("auto, cpu or gpu");
    }

    @Test
    void shouldRunOnTheCpuOfAMachineWithoutCuda() {
        Device device = Devices.choose("auto", "test");

        assertThat(device.isGpu()).isEqualTo(Engine.getEngine("PyTorch").getGpuCount() > 0);
    }

    /** Runs only where PyTorch sees a GPU: a matrix product on it must equal the CPU's. */
    @Test
    @EnabledIf("gpuVisible")
    void shouldComputeOnTheGpuWhereOneIsVisible() {
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu());
             NDManager gpu = NDManager.newBaseManager(Devices.choose("gpu", "test"))) {
            NDArray a = cpu.randomNormal(new Shape(64, 32));
            NDArray b = cpu.randomNormal(new Shape(32, 16));
            NDArray onGpu = a.toDevice(gpu.getDevice(), true).matMul(b.toDevice(gpu.getDevice(), true));

            assertThat(onGpu.getDevice().isGpu()).isTrue();
            assertThat(onGpu.toDevice(Device.cpu(), true).allClose(a.matMul(b), 1e-4, 1e-4, false)).isTrue();
        }
    }

    static boolean gpuVisible() {
        return Engine.getEngine("PyTorch").getGpuCount() > 0;
    }
}

package io.kdstream.app.cli;

/**
 * PyTorch's default of one intra-op thread per core suits one model alone on a machine. Several models in one
 * JVM beside a broker (the demo, the pipeline benchmarks) oversubscribe a small machine: on 2 cores a step of the
 * default student took 57 ms with the default and 3.6 ms with one thread. Must run before DJL starts its engine.
 */
final class PyTorchThreads {

    private PyTorchThreads() {
    }

    /** One intra-op and one inter-op thread per engine, unless the operator chose otherwise. */
    static void oneUnlessSet() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}

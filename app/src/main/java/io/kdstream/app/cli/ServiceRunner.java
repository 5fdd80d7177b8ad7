package io.kdstream.app.cli;

import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service in the foreground the same way for every command: start it, block until the process is told
 * to stop (Ctrl-C, SIGTERM), then close it and whatever it depends on, in reverse order of start.
 */
final class ServiceRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    /** What to start, and everything to close afterwards, last started first. */
    interface Started extends AutoCloseable {
    }

    private ServiceRunner() {
    }

    static int runUntilStopped(String name, Started started) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("{} stopping", name);
            try {
                started.close();
            } catch (Exception e) {
                LOG.error("{} did not stop cleanly", name, e);
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("{} running; Ctrl-C stops it", name);
        stopped.await();
        return 0;
    }
}

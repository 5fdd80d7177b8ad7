package io.kdstream.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.kdstream.core.service.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service in the foreground the same way for every command: start it, block until the process is told
 * to stop (Ctrl-C, SIGTERM) or the service is no longer live, then close it and whatever it depends on, in reverse
 * order of start. A service that stopped on an error or was fenced makes the command exit non-zero, so that a
 * supervisor (systemd, a compose {@code restart:} policy, Kubernetes) starts it again.
 */
final class ServiceRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);
    /** Exit status of a service that stopped on an error it cannot recover from. */
    static final int EXIT_FAILED = 1;
    /** Exit status of a service fenced by a newer instance (its transactional id or group membership taken over). */
    static final int EXIT_FENCED = 3;
    private static final long WATCH_INTERVAL_MS = 500;

    /** What to start, and everything to close afterwards, last started first. */
    interface Started extends AutoCloseable {
    }

    private ServiceRunner() {
    }

    /** @return 0 after a requested stop, {@link #EXIT_FAILED} or {@link #EXIT_FENCED} when the service stopped by itself */
    static int runUntilStopped(String name, Supplier<Health> health, Started started) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            LOG.info("{} stopping", name);
            close(name, started);
            stopped.countDown();
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("{} running; Ctrl-C stops it", name);
        while (!stopped.await(WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
            Health now = health.get();
            if (stopping.get() || now.live()) {
                continue;
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                stopped.await();
                return 0;
            }
            int status = now.fenced() ? EXIT_FENCED : EXIT_FAILED;
            LOG.error("{} is no longer live ({}); exiting with status {} so that a supervisor restarts it", name, now.detail(), status);
            close(name, started);
            return status;
        }
        return 0;
    }

    /** Starts a service; when that fails, closes what was opened for it (its metrics server) before rethrowing. */
    static void startOrClose(Runnable start, AutoCloseable opened) {
        try {
            start.run();
        } catch (RuntimeException | Error e) {
            try {
                opened.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static void close(String name, Started started) {
        try {
            started.close();
        } catch (Exception e) {
            LOG.error("{} did not stop cleanly", name, e);
        }
    }
}

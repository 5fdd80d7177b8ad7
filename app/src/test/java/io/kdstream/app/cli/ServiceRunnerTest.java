package io.kdstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.kdstream.core.service.Health;
import org.junit.jupiter.api.Test;

class ServiceRunnerTest {

    @Test
    void shouldExitNonZeroAndCloseTheServiceOnceItFailed() throws InterruptedException {
        // given a running service
        AtomicReference<Health> health = new AtomicReference<>(Health.ready("working"));
        AtomicBoolean closed = new AtomicBoolean();
        new Thread(() -> {
            sleep(700);
            health.set(Health.failed(new OutOfMemoryError("Java heap space")));
        }).start();

        // when its loop dies
        int status = ServiceRunner.runUntilStopped("test", health::get, () -> closed.set(true));

        // then the command exits non-zero, after closing the service
        assertThat(status).isEqualTo(ServiceRunner.EXIT_FAILED);
        assertThat(closed).isTrue();
    }

    @Test
    void shouldExitWithItsOwnStatusWhenFenced() throws InterruptedException {
        Health fenced = Health.fenced(new IllegalStateException("ProducerFencedException"));

        assertThat(ServiceRunner.runUntilStopped("test", () -> fenced, () -> { })).isEqualTo(ServiceRunner.EXIT_FENCED);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

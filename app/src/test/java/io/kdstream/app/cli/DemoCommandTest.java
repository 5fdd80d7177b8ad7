package io.kdstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.app.Kd;
import io.kdstream.app.testing.ColourImages;
import org.junit.jupiter.api.Test;

/** What {@code kd demo} checks before it starts a broker; ColourTaskIT runs the loop it starts. */
class DemoCommandTest {

    private static final List<String> THREAD_SETTINGS = List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads");

    @Test
    void shouldRefuseATorchScriptTeacherOfAnotherTaskBeforeStartingAnything() {
        // given the colour TorchScript teacher (task colour-4) offered for the tabular task
        PrintStream stderr = System.err;
        Map<String, String> threads = new HashMap<>();
        THREAD_SETTINGS.forEach(key -> threads.put(key, System.getProperty(key)));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            // when the demo is asked to run with it
            status = Kd.commandLine().execute("demo", "--task", "tabular-rbf",
                    "--teacher-torchscript", ColourImages.TEACHER.toString(), "--duration", "1s", "--port", "0");
        } finally {
            System.setErr(stderr);
            // (the demo asks PyTorch for one thread per engine; the next tests of this JVM keep the settings they had)
            threads.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }

        // then it stops at once with a usage error naming both tasks
        assertThat(status).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8))
                .contains("teacher colour_teacher")
                .contains("was made for task colour-4")
                .contains("for task tabular-rbf");
    }
}

package io.kdstream.trainer.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import io.kdstream.core.eval.HoldoutSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldoutKeyTest {

    @TempDir
    Path dir;

    @Test
    void shouldUseTheConfiguredKeyAndTouchNoFile() {
        Path file = dir.resolve("holdout.key");

        byte[] key = HoldoutKey.resolve("a configured secret key", file);

        assertThat(key).isEqualTo("a configured secret key".getBytes(StandardCharsets.UTF_8));
        assertThat(file).doesNotExist();
    }

    @Test
    void shouldGenerateAKeyOnceKeepItOwnerOnlyAndReadItBackOnTheNextStart() throws IOException {
        Path file = dir.resolve("state").resolve("holdout.key");

        byte[] first = HoldoutKey.resolve("", file);
        byte[] restarted = HoldoutKey.resolve("", file);

        assertThat(first).hasSizeGreaterThanOrEqualTo(HoldoutSlice.MIN_KEY_BYTES).isEqualTo(restarted);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(HoldoutKey.resolve("", dir.resolve("other.key"))).isNotEqualTo(first);
    }

    @Test
    void shouldRefuseAKeptKeyTooShortNamingTheFileAndTheSettings() throws IOException {
        Path file = dir.resolve("holdout.key");
        Files.writeString(file, "short\n");
        Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ));

        assertThatThrownBy(() -> HoldoutKey.resolve("", file))
                .hasMessageContaining(file.toString()).hasMessageContaining("holdout.key");
    }
}
